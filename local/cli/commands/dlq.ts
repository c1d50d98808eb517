import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Command } from 'commander';
import { isFifoQueue } from '../../../shared/queue/fifo.ts';
import { queueDepth } from '../../../shared/queue/queue-depth.ts';
import { formatCount, formatTable } from '../table.ts';
import { resolveTarget, type ResolvedTarget } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { listHeading } from './dlq/list-summary.ts';
import { runMoveTask } from './dlq/move-task.ts';
import { peekMessages } from './dlq/peek.ts';
import { groupByReason } from './dlq/reasons.ts';
import { DEFAULT_VISIBILITY_TIMEOUT, DEFAULT_WAIT_SECONDS, replayDeadLetters } from './dlq/replay.ts';
import { REPLAY_EXIT, replaySummary } from './dlq/replay-summary.ts';
import { integerIn, parseRate, targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { findQueueWithDeadLetter } from './resources.ts';

interface ListCliOptions extends TargetCliOptions {
  max: number;
  json?: boolean;
}

interface ReplayCliOptions extends TargetCliOptions {
  rate?: number;
  filter?: string;
  moveTask: boolean;
  visibilityTimeout: number;
  wait: number;
  force?: boolean;
}

/** Emulators answer a short poll with everything visible; AWS samples some servers, so wait a little there. */
function waitTimeFor(target: ResolvedTarget): number {
  return target.name === 'local' ? 0 : 1;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** How long the queue keeps a message (ms); SQS's longest, 14 days, when it does not say. */
async function retentionMs(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MessageRetentionPeriod'] }));
  return Number(out.Attributes?.MessageRetentionPeriod ?? 1_209_600) * 1000;
}

function listCommand(): Command {
  return withTargetOptions(
    new Command('list')
      .description(
        "group a queue's dead letters by reason, with a count and a sample body each, and the DLQ's total from its attributes. " +
          'SQS has no read-only peek: list receives each message it shows and puts it back at once, which adds 1 to its ' +
          'ApproximateReceiveCount (harmless unless the DLQ itself has a redrive policy); a FIFO DLQ shows only the first messages of each message group',
      )
      .argument('<queue>', 'queue whose DLQ to read, by its output prefix (e.g. Orders)')
      .option('--max <n>', 'read at most n dead letters', integerIn(1, 100_000), 10_000)
      .option('--json', 'print the totals and groups as JSON'),
  ).action(
    cliAction(async (name: string, opts: ListCliOptions) => {
      const target = await resolveTarget(targetOptions(opts));
      try {
        const queue = findQueueWithDeadLetter(target.outputs, name);
        const sqs = target.clients.sqs;
        // Counts first: the sample's own holds would show as in flight.
        const depth = await queueDepth(sqs, queue.deadLetterUrl);
        const messages = await peekMessages(sqs, queue.deadLetterUrl, { max: opts.max, waitTimeSeconds: waitTimeFor(target) });
        const groups = groupByReason(messages);
        const totals = { depth, read: messages.length, max: opts.max, fifo: isFifoQueue(queue.deadLetterUrl) };
        const total = depth.visible + depth.inFlight + depth.delayed;
        if (opts.json) {
          console.log(JSON.stringify({ queue: queue.name, total, ...depth, read: messages.length, reasons: groups }, null, 2));
          return;
        }
        if (total === 0 && messages.length === 0) {
          console.log(`the ${queue.name} DLQ is empty (${target.name})`);
          return;
        }
        console.log(listHeading(queue.name, target.name, totals));
        if (groups.length === 0) return;
        const rows = [['reason', 'count', 'sample body', 'sample error'], ...groups.map((g) => [g.reason, formatCount(g.count), oneLine(g.sampleBody, 60), oneLine(g.sampleError ?? '', 60)])];
        console.log(`\n${formatTable(rows, { right: [1] })}`);
      } finally {
        target.close();
      }
    }),
  );
}

function replayCommand(): Command {
  return withTargetOptions(
    new Command('replay')
      .description(
        "move a queue's dead letters back to it: on AWS with StartMessageMoveTask (no --filter), elsewhere receive → send → delete " +
          '(send first, so an interruption never loses a message; received messages stay hidden, extended, until replayed). ' +
          'It runs until the DLQ\'s counts say nothing is left but what it leaves on purpose, and names what is left and why. ' +
          `Exit 0: done; ${REPLAY_EXIT.incomplete}: dead letters left it could not replay (unreplayable, held by another reader, behind a FIFO group's head); ` +
          `${REPLAY_EXIT.interrupted}: Ctrl-C (it stops after the message in flight)`,
      )
      .argument('<queue>', 'queue whose DLQ to replay, by its output prefix (e.g. Orders)')
      .option('--rate <N/s>', 'at most N messages per second (e.g. 10 or 10/s)', parseRate)
      .option('--filter <reason>', 'only dead letters with this reason (see `sluice dlq list`; `redrive` = moved by maxReceiveCount)')
      .option('--wait <S>', 'keep trying this long without progress while the DLQ still holds dead letters replay cannot receive (another reader has them)', integerIn(0, 43_200), DEFAULT_WAIT_SECONDS)
      .option(
        '--visibility-timeout <S>',
        'seconds a received dead letter stays hidden from other readers; extended while replay holds it, so this only bounds how long a killed replay hides messages',
        integerIn(1, 43_200),
        DEFAULT_VISIBILITY_TIMEOUT,
      )
      .option('--no-move-task', 'on AWS, replay message by message instead of with StartMessageMoveTask')
      .option('--force', "also replay dead letters older than the queue's dedup window (their effect may run twice)"),
  ).action(
    cliAction(async (name: string, opts: ReplayCliOptions) => {
      const target = await resolveTarget(targetOptions(opts));
      const abort = new AbortController();
      const onSignal = () => {
        process.stderr.write('\ninterrupted: finishing the message in flight, then stopping (Ctrl-C again to force)\n');
        abort.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSignal);
      try {
        const queue = findQueueWithDeadLetter(target.outputs, name);
        const sqs = target.clients.sqs;
        const progress = (n: number) => {
          if (process.stderr.isTTY) process.stderr.write(`\rreplayed ${formatCount(n)}`);
        };
        const maxAgeMs = opts.force || queue.dedupWindowSeconds === undefined ? undefined : queue.dedupWindowSeconds * 1000;
        // A move task cannot leave old dead letters behind: it is used only when none can be older than the window.
        const moveTask =
          target.name === 'aws' && opts.filter === undefined && opts.moveTask && (maxAgeMs === undefined || (await retentionMs(sqs, queue.deadLetterUrl)) <= maxAgeMs);
        if (moveTask) {
          const result = await runMoveTask(sqs, queue.deadLetterUrl, queue.url, { ...(opts.rate ? { ratePerSecond: opts.rate } : {}), signal: abort.signal, onProgress: progress });
          console.log(`move task ${result.status}: ${formatCount(result.moved)} moved from the ${queue.name} DLQ to ${queue.name}${result.failureReason ? ` (${result.failureReason})` : ''}`);
          if (result.status !== 'COMPLETED') process.exitCode = abort.signal.aborted ? 130 : 1;
          return;
        }
        const result = await replayDeadLetters({
          sqs,
          deadLetterUrl: queue.deadLetterUrl,
          sourceUrl: queue.url,
          waitTimeSeconds: waitTimeFor(target),
          visibilityTimeout: opts.visibilityTimeout,
          waitMs: opts.wait * 1000,
          signal: abort.signal,
          onReplayed: progress,
          ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
          ...(opts.rate ? { ratePerSecond: opts.rate } : {}),
          ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        const left = await queueDepth(sqs, queue.deadLetterUrl);
        const summary = replaySummary(result, { queue: queue.name, left: left.visible + left.inFlight + left.delayed, ...(opts.filter !== undefined ? { filter: opts.filter } : {}) });
        console.log(summary.text);
        if (summary.hint) process.stderr.write(`sluice dlq replay: ${summary.hint}\n`);
        if (result.error) process.stderr.write(`sluice dlq replay: error: ${result.error.message}\n`);
        process.exitCode = summary.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        target.close();
      }
    }),
  );
}

/**
 * `sluice dlq list|replay <queue>`: inspect and replay a queue's dead letters on any target.
 *
 * @example
 * sluice dlq list Orders
 * sluice dlq replay Orders --filter schema-invalid --rate 20/s
 */
export function dlqCommand(): Command {
  return new Command('dlq').description("inspect and replay a queue's dead-letter queue").addCommand(listCommand()).addCommand(replayCommand());
}
