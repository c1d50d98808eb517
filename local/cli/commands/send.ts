import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { QueueProducer, type BatchItem, type SendOptions } from '../../../shared/queue/producer.ts';
import { MAX_DELAY_SECONDS } from '../../../shared/queue/redelivery.ts';
import { putRecords } from '../../../shared/stream/producer.ts';
import { resolveTarget, type ResolvedTarget } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { integerIn, targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { findDestination } from './resources.ts';
import { expandTemplate, expandText, parseJsonLines, type TemplateContext } from './send-input.ts';
import { UsageError } from './usage-error.ts';

interface SendCliOptions extends TargetCliOptions {
  file?: string;
  count?: number;
  template?: string;
  delay?: number;
  ttl?: number;
  dedupKey?: string;
  group?: string;
  partitionKey: string;
}

/** One message to send, and where it came from (for error messages). */
interface Outgoing {
  readonly id: string;
  readonly payload: unknown;
  readonly context: TemplateContext;
}

const MAX_DELAY_DAYS = 14;

function readTemplate(text: string): unknown {
  const source = text.startsWith('@') ? readFileOrUsage(text.slice(1), '--template') : text;
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new UsageError(`--template is not valid JSON (${(err as Error).message}): expected JSON like '{"orderId":"o-{{i}}"}' or @file.json`);
  }
}

function readFileOrUsage(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): expected a readable file`);
  }
}

/** Builds the messages from `--file` or `--count/--template`, or throws UsageError / a per-line report. */
function outgoingMessages(opts: SendCliOptions, now: number): Outgoing[] {
  if ((opts.file === undefined) === (opts.count === undefined)) {
    throw new UsageError('give either --file <F.jsonl> or --count <N> with --template <T>');
  }
  if (opts.count !== undefined) {
    if (opts.template === undefined) throw new UsageError('--count needs --template <T>: a JSON message with {{i}}, {{now}}, {{uuid}} placeholders, or @file.json');
    const template = readTemplate(opts.template);
    return Array.from({ length: opts.count }, (_, index) => {
      const context = { i: index + 1, now };
      return { id: `message-${index + 1}`, payload: expandTemplate(template, context), context };
    });
  }
  if (opts.template !== undefined) throw new UsageError('--template goes with --count, not --file: the file holds the messages');
  const { lines, errors } = parseJsonLines(readFileOrUsage(opts.file!, '--file'));
  if (errors.length > 0) {
    const report = errors.map((e) => `${opts.file}:${e.line}: not valid JSON (${e.message})`).join('\n');
    throw new UsageError(`${errors.length} of ${errors.length + lines.length} lines are not JSON; nothing was sent\n${report}`);
  }
  if (lines.length === 0) throw new UsageError(`${opts.file} has no messages: expected one JSON value per line`);
  return lines.map((l) => ({ id: `line-${l.line}`, payload: l.value, context: { i: l.line, now } }));
}

async function sendToQueue(target: ResolvedTarget, url: string, messages: Outgoing[], opts: SendCliOptions, now: number): Promise<void> {
  const producer = new QueueProducer<unknown>({ client: target.clients.sqs, queueUrl: url });
  if (producer.fifo && opts.delay) throw new UsageError('FIFO queues have no per-message delay: drop --delay');
  if (producer.fifo && !opts.group) throw new UsageError('FIFO queues need --group <id> (message group id; placeholders allowed)');
  if (!producer.fifo && opts.group) throw new UsageError('--group is for FIFO queues only');
  const items: BatchItem<unknown>[] = messages.map((m) => {
    const options: SendOptions = {};
    if (opts.delay) {
      if (opts.delay <= MAX_DELAY_SECONDS) options.delaySeconds = opts.delay;
      else options.deliverAt = now + opts.delay * 1000;
    }
    if (opts.ttl !== undefined) options.expiresAt = now + opts.ttl * 1000;
    if (opts.dedupKey !== undefined) options.dedupKey = expandText(opts.dedupKey, m.context);
    if (opts.group !== undefined) options.groupId = expandText(opts.group, m.context);
    return { id: m.id, payload: m.payload, options };
  });
  await producer.sendBatch(items);
}

/**
 * `sluice send <queue|stream>`: sends JSON messages from a JSON Lines file or a template to one of the
 * stack's queues (through QueueProducer: batches of 10, sluice attributes, size checks) or streams
 * (PutRecords in chunks of 500).
 *
 * @example
 * sluice send Orders --count 100 --template '{"orderId":"o-{{i}}","customerId":"c-1","amount":10}'
 * sluice send Orders --file orders.jsonl --delay 3600 --dedup-key 'order-{{i}}'
 */
export function sendCommand(): Command {
  return withTargetOptions(
    new Command('send')
      .description('send JSON messages to a queue or stream of the stack (named by its output prefix, e.g. Orders)')
      .argument('<name>', 'queue or stream: the prefix of its stack output (OrdersQueueUrl → Orders, OrderStreamStreamName → OrderStream)')
      .option('--file <F.jsonl>', 'JSON Lines file: one message per line')
      .option('--count <N>', 'generate N messages from --template', integerIn(1, 1_000_000))
      .option('--template <T>', 'message template (JSON, or @file.json); strings may use {{i}}, {{now}}, {{uuid}}')
      .option('--delay <S>', `deliver after S seconds (≤ ${MAX_DELAY_SECONDS}: SQS delay; longer: sluice deliver-at, honoured by hops)`, integerIn(0, MAX_DELAY_DAYS * 86_400))
      .option('--ttl <S>', 'expire S seconds after sending: a consumer that receives the message later dead-letters it (reason expired)', integerIn(1, 14 * 86_400))
      .option('--dedup-key <K>', 'idempotency key per message (placeholders allowed, e.g. order-{{i}}); default: hash of the body')
      .option('--group <G>', 'FIFO message group id (placeholders allowed)')
      .option('--partition-key <P>', 'stream partition key (placeholders allowed)', '{{uuid}}'),
  ).action(
    cliAction(async (name: string, opts: SendCliOptions) => {
    const now = Date.now();
    const messages = outgoingMessages(opts, now);
    const target = await resolveTarget(targetOptions(opts));
    try {
      const destination = findDestination(target.outputs, name);
      if (destination.kind === 'queue') {
        await sendToQueue(target, destination.queue.url, messages, opts, now);
        console.log(`sent ${messages.length} message${messages.length === 1 ? '' : 's'} to queue ${destination.queue.name} (${target.name})`);
      } else {
        if (opts.delay || opts.dedupKey || opts.group || opts.ttl) throw new UsageError('--delay, --ttl, --dedup-key and --group apply to queues, not streams');
        const records = messages.map((m) => ({ data: m.payload, partitionKey: expandText(opts.partitionKey, m.context) }));
        await putRecords(target.clients.kinesis, destination.stream.streamName, records);
        console.log(`sent ${records.length} record${records.length === 1 ? '' : 's'} to stream ${destination.stream.name} (${target.name})`);
      }
    } finally {
      target.close();
    }
  }),
  );
}
