import { ResourceNotFoundError } from '../../shared/errors.ts';
import { queueDepth, type QueueDepth } from '../../shared/queue/queue-depth.ts';
import { QUEUE_OUTPUT_SUFFIXES } from '../../shared/queue/contract.ts';
import { STREAM_OUTPUT_SUFFIXES } from '../../shared/stream/contract.ts';
import { peekMessages } from '../cli/commands/dlq/peek.ts';
import { groupByReason, type ReasonGroup } from '../cli/commands/dlq/reasons.ts';
import { replayDeadLetters } from '../cli/commands/dlq/replay.ts';
import { replaySummary } from '../cli/commands/dlq/replay-summary.ts';
import type { SqsPollerStats } from '../pollers/sqs-poller.ts';
import type { LocalResource } from '../runtime/resources.ts';
import { outputNames, type ConsoleRuntime } from './console-runtime.ts';

/** A queue of the template, with its DLQ (from its RedrivePolicy) and the mapping that consumes it. */
export interface QueueRef {
  /** The queue's logical id: how the console's URLs name it. */
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly fifo: boolean;
  readonly deadLetter?: { readonly id: string; readonly name: string; readonly url: string; readonly maxReceiveCount?: number };
  readonly consumer?: { readonly mapping: string; readonly function: string; readonly stats: Readonly<SqsPollerStats> };
  /** Set for a stream mapping's on-failure destination: which stream's failed batches it holds. */
  readonly failureDestinationOf?: string;
}

/** A queue row of the console, its depths as SQS reports them now. */
export interface QueueView extends Omit<QueueRef, 'deadLetter'> {
  readonly depth: QueueDepth;
  readonly deadLetter?: NonNullable<QueueRef['deadLetter']> & { readonly depth: number };
}

/** What a DLQ holds, grouped by `sluice-reason` (as `sluice dlq list`). */
export interface DeadLettersView {
  readonly queue: string;
  readonly total: number;
  readonly groups: readonly ReasonGroup[];
}

/** Dead letters read per request at most (as `sluice dlq list --max`). */
const PEEK_MAX = 1_000;

function redriveTarget(queue: LocalResource): { arn: string; maxReceiveCount?: number } | undefined {
  const policy = queue.definition.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | string | undefined;
  const parsed = typeof policy === 'string' ? (JSON.parse(policy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }) : policy;
  const target = parsed?.deadLetterTargetArn;
  if (!target) return undefined;
  const arn = typeof target === 'string' ? target : (target as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  return arn ? { arn, ...(parsed?.maxReceiveCount !== undefined ? { maxReceiveCount: Number(parsed.maxReceiveCount) } : {}) } : undefined;
}

/**
 * Every queue of the template that is not itself a DLQ, with its DLQ and consumer, named after the
 * stack's outputs: read from the template, so the user's own queues appear without configuration.
 *
 * @example
 * templateQueues(runtime).map((q) => q.name); // ['BatchRequest', 'OrderStreamFailure', 'Orders']
 */
export function templateQueues(runtime: ConsoleRuntime): QueueRef[] {
  const queues = runtime.resources.ofType('AWS::SQS::Queue');
  const names = outputNames(runtime.outputs(), [QUEUE_OUTPUT_SUFFIXES.deadLetterQueueUrl, QUEUE_OUTPUT_SUFFIXES.queueUrl]);
  const nameOf = (queue: LocalResource) => names.get(queue.ref) ?? queue.logicalId;
  // A DLQ target is named by GetAtt (a logical id) in the template, or by its ARN once resolved.
  const byTarget = (target: string) => runtime.resources.get(target) ?? runtime.resources.byArn(target);
  const deadLetterIds = new Set(queues.flatMap((q) => {
    const target = redriveTarget(q);
    const dlq = target ? byTarget(target.arn) : undefined;
    return dlq ? [dlq.logicalId] : [];
  }));
  const failureDestinations = new Map<string, string>();
  for (const mapping of runtime.streamMappings) {
    const destination = (mapping.properties.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
    const queue = destination ? runtime.resources.byArn(destination) : undefined;
    if (queue) failureDestinations.set(queue.logicalId, mapping.source.logicalId);
  }
  const streamNames = outputNames(runtime.outputs(), [STREAM_OUTPUT_SUFFIXES.streamName]);
  return queues
    .filter((q) => !deadLetterIds.has(q.logicalId))
    .map((queue) => {
      const target = redriveTarget(queue);
      const dlq = target ? byTarget(target.arn) : undefined;
      const mapping = runtime.sqsMappings.find((m) => m.source.logicalId === queue.logicalId);
      const failureOf = failureDestinations.get(queue.logicalId);
      const stream = failureOf ? runtime.resources.get(failureOf) : undefined;
      return {
        id: queue.logicalId,
        name: nameOf(queue),
        url: queue.ref,
        fifo: queue.definition.Properties?.FifoQueue === true || queue.definition.Properties?.FifoQueue === 'true',
        ...(dlq
          ? { deadLetter: { id: dlq.logicalId, name: `${nameOf(queue)} DLQ`, url: dlq.ref, ...(target?.maxReceiveCount !== undefined ? { maxReceiveCount: target.maxReceiveCount } : {}) } }
          : {}),
        ...(mapping ? { consumer: { mapping: mapping.logicalId, function: mapping.functionLogicalId, stats: mapping.poller.stats } } : {}),
        ...(stream ? { failureDestinationOf: streamNames.get(stream.ref) ?? stream.logicalId } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The queues with their depths and their DLQs' depths, as SQS reports them now.
 *
 * @example
 * const queues = await queuesView(runtime);
 */
export async function queuesView(runtime: ConsoleRuntime): Promise<QueueView[]> {
  const sqs = runtime.clients.sqs;
  return Promise.all(
    templateQueues(runtime).map(async (queue) => {
      const [depth, dlq] = await Promise.all([queueDepth(sqs, queue.url), queue.deadLetter ? queueDepth(sqs, queue.deadLetter.url) : undefined]);
      const { deadLetter, ...rest } = queue;
      return { ...rest, depth, ...(deadLetter && dlq ? { deadLetter: { ...deadLetter, depth: dlq.visible + dlq.inFlight + dlq.delayed } } : {}) };
    }),
  );
}

/**
 * A queue by its logical id.
 *
 * @throws ResourceNotFoundError when the template has no such queue (or it is a DLQ).
 */
export function queueById(runtime: ConsoleRuntime, id: string): QueueRef {
  const queue = templateQueues(runtime).find((q) => q.id === id);
  if (!queue) throw new ResourceNotFoundError(`no queue ${id}`);
  return queue;
}

/**
 * A queue's dead letters grouped by reason, read without consuming them (the code of `sluice dlq list`).
 *
 * @example
 * const { groups } = await deadLettersView(runtime, 'OrdersQueue1234');
 */
export async function deadLettersView(runtime: ConsoleRuntime, id: string): Promise<DeadLettersView> {
  const queue = queueById(runtime, id);
  if (!queue.deadLetter) throw new ResourceNotFoundError(`queue ${queue.name} has no dead-letter queue`);
  const messages = await peekMessages(runtime.clients.sqs, queue.deadLetter.url, { max: PEEK_MAX, waitTimeSeconds: 0 });
  return { queue: queue.name, total: messages.length, groups: groupByReason(messages) };
}

/** What a replay from the console did: `sluice dlq replay`'s own summary, and whether anything it should have moved is left. */
export interface ReplayView {
  readonly replayed: number;
  /** The DLQ's depth after the replay. */
  readonly left: number;
  /** False when dead letters are left that the replay should have moved, or an error or interruption stopped it. */
  readonly complete: boolean;
  /** The lines `sluice dlq replay` prints: counts, then why each dead letter left is left. */
  readonly summary: string;
}

/**
 * Replays a queue's dead letters (all, or one reason's) to the queue: `sluice dlq replay`'s code path,
 * receive → send → delete, so an interruption never loses a message, and its summary.
 *
 * @example
 * await replayQueue(runtime, 'OrdersQueue1234', 'schema-invalid'); // { replayed: 3, left: 0, complete: true, summary: 'replayed 3 dead letters from the Orders DLQ to Orders; 0 left in the DLQ (--filter schema-invalid)' }
 */
export async function replayQueue(runtime: ConsoleRuntime, id: string, reason?: string): Promise<ReplayView> {
  const queue = queueById(runtime, id);
  if (!queue.deadLetter) throw new ResourceNotFoundError(`queue ${queue.name} has no dead-letter queue`);
  const sqs = runtime.clients.sqs;
  const result = await replayDeadLetters({
    sqs,
    deadLetterUrl: queue.deadLetter.url,
    sourceUrl: queue.url,
    waitTimeSeconds: 0,
    ...(reason !== undefined ? { filter: reason } : {}),
  });
  const depth = await queueDepth(sqs, queue.deadLetter.url);
  const left = depth.visible + depth.inFlight + depth.delayed;
  const { text, exitCode } = replaySummary(result, { queue: queue.name, left, ...(reason !== undefined ? { filter: reason } : {}) });
  return { replayed: result.replayed, left, complete: exitCode === 0, summary: result.error ? `${text}\nstopped by: ${result.error.message}` : text };
}
