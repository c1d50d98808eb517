import { Command } from 'commander';
import { queueOutputName } from '../../../shared/queue/contract.ts';
import { QueueProducer } from '../../../shared/queue/producer.ts';
import { MAX_DELAY_SECONDS } from '../../../shared/queue/redelivery.ts';
import { streamOutputName } from '../../../shared/stream/contract.ts';
import { StreamProducer } from '../../../shared/stream/producer.ts';
import { createProgress } from '../progress.ts';
import { formatCount } from '../table.ts';
import { resolveTarget } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { EXAMPLE_SEND } from './example-send.ts';
import { integerIn, nonEmptyText, targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { findDestination } from './resources.ts';
import { checkAll } from './send/check-all.ts';
import { messageSource } from './send/message-source.ts';
import { queueMessageCheck, queueSendOptions, RepeatedDeduplicationIds, sendToQueue } from './send/queue-send.ts';
import { sendToStream, streamRecord } from './send/stream-send.ts';
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

const MAX_DELAY_DAYS = 14;
/** Below this many messages a non-TTY stderr (CI) gets no progress lines: the send is over in moments. */
const PROGRESS_IN_LOGS_FROM = 10_000;

/** A progress bar on stderr for sends long enough to want one; `update` is a no-op otherwise. */
function sendProgress(total: number) {
  if (!process.stderr.isTTY && total < PROGRESS_IN_LOGS_FROM) return { update: (_sent: number) => undefined, stop: () => undefined };
  const bar = createProgress('send');
  bar.start(total);
  return { update: (sent: number) => bar.update(sent, 'sending'), stop: () => bar.stop() };
}

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `sluice send <queue|stream>`: sends JSON messages from a JSON Lines file or a template to one of the
 * stack's queues (through QueueProducer: batches of 10, sluice attributes, size checks) or streams
 * (PutRecords in chunks of 500). It reads its input twice, streaming: first to check every message
 * (nothing is sent if one is bad: exit 2), then to send them with a progress bar; a send the service
 * stops part-way says exactly what was sent and what was not (exit 1).
 *
 * @example
 * sluice send Orders --count 100 --template '{"orderId":"o-{{i}}","customerId":"c-1","amountCents":998,"items":[{"sku":"SKU-1","quantity":2,"unitPriceCents":499}]}'
 * sluice send Orders --file orders.jsonl --delay 3600 --dedup-key 'order-{{i}}'
 */
export function sendCommand(): Command {
  return withTargetOptions(
    new Command('send')
      .description(
        'send JSON messages to a queue or stream of the stack (named by its output prefix, e.g. Orders). Every message is checked ' +
          'before the first is sent (exit 2 names the bad ones; nothing is sent); a send stopped by the service names what was not sent (exit 1)',
      )
      .argument('<name>', `queue or stream: the prefix of its stack output (${queueOutputName('Orders', 'queueUrl')} → Orders, ${streamOutputName('OrderStream', 'streamName')} → OrderStream)`)
      .option('--file <F.jsonl>', 'JSON Lines file: one message per line (LF, CRLF or CR line breaks; a UTF-8 byte order mark is dropped)')
      .option('--count <N>', 'generate N messages from --template', integerIn(1, 1_000_000))
      .option('--template <T>', 'message template (JSON, or @file.json); strings may use {{i}}, {{now}}, {{uuid}}')
      .option('--delay <S>', `deliver after S seconds (≤ ${MAX_DELAY_SECONDS}: SQS delay; longer: sluice deliver-at, honoured by hops)`, integerIn(0, MAX_DELAY_DAYS * 86_400))
      .option('--ttl <S>', 'expire S seconds after sending: a consumer that receives the message later dead-letters it (reason expired)', integerIn(1, 14 * 86_400))
      .option('--dedup-key <K>', 'idempotency key per message (placeholders allowed, e.g. order-{{i}}); default: hash of the body', nonEmptyText)
      .option('--group <G>', 'FIFO message group id (placeholders allowed)', nonEmptyText)
      .option('--partition-key <P>', 'stream partition key (placeholders allowed)', nonEmptyText, '{{uuid}}')
      .addHelpText('after', `\nExample (an order the sample's schema accepts):\n  ${EXAMPLE_SEND}`),
  ).action(
    cliAction(async (name: string, opts: SendCliOptions) => {
      const now = Date.now();
      const source = messageSource(opts, now);
      const target = await resolveTarget(targetOptions(opts));
      try {
        const destination = findDestination(target.outputs, name);
        if (destination.kind === 'queue') {
          const producer = new QueueProducer<unknown>({ client: target.clients.sqs, queueUrl: destination.queue.url });
          if (producer.fifo && opts.delay) throw new UsageError('FIFO queues have no per-message delay: drop --delay');
          if (producer.fifo && !opts.group) throw new UsageError('FIFO queues need --group <id> (message group id; placeholders allowed)');
          if (!producer.fifo && opts.group) throw new UsageError('--group is for FIFO queues only');
          const optionsFor = queueSendOptions(opts, now);
          const repeats = new RepeatedDeduplicationIds();
          const total = await checkAll(source, queueMessageCheck(producer, optionsFor, repeats));
          const where = `queue ${destination.queue.name} (${target.name})`;
          const progress = sendProgress(total);
          const sent = await sendToQueue({ producer, source, optionsFor, total, destination: where, onProgress: progress.update }).finally(progress.stop);
          const kept = repeats.repeats > 0
            ? `; ${formatCount(repeats.repeats)} repeat the deduplication id of an earlier message of this send, so SQS keeps ${formatCount(sent - repeats.repeats)} of them (one per id within 5 minutes)`
            : '';
          console.log(`sent ${plural(sent, 'message')} to ${where}${kept}`);
        } else {
          if (opts.delay || opts.dedupKey || opts.group || opts.ttl) throw new UsageError('--delay, --ttl, --dedup-key and --group apply to queues, not streams');
          const producer = new StreamProducer({ client: target.clients.kinesis, streamName: destination.stream.streamName });
          const recordFor = streamRecord(opts.partitionKey);
          const total = await checkAll(source, (message) => {
            producer.check(recordFor(message));
            return undefined;
          });
          const where = `stream ${destination.stream.name} (${target.name})`;
          const progress = sendProgress(total);
          const sent = await sendToStream({ producer, source, recordFor, total, destination: where, onProgress: progress.update }).finally(
            progress.stop,
          );
          console.log(`sent ${plural(sent, 'record')} to ${where}`);
        }
      } finally {
        target.close();
      }
    }),
  );
}
