import { randomUUID } from 'node:crypto';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WINDOW_SECONDS } from './conformance-app.ts';

/** Where a scenario runs: `sluice dev` (the local runtime) or the emulator the stack was deployed to. */
export interface Side {
  readonly name: string;
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  output(name: string): string;
  /** Starts an execution of the conformance state machine and resolves when it stops. */
  runExecution(input: Record<string, unknown>): Promise<{ status: string; output?: unknown; error?: string; cause?: string }>;
}

/** One AWS behaviour, run the same way on every side and summarized as one line. */
export interface Scenario {
  readonly id: string;
  readonly behaviour: string;
  /** The AWS documentation page that says what must happen. */
  readonly reference: string;
  /** What the documentation says the summary is. */
  readonly aws: string;
  /** Sends the input, then reads what happened until it equals `aws` or the deadline passes. */
  observe(side: Side, deadline: number): Promise<string>;
}

interface Invocation {
  readonly scenario: string;
  readonly at: number;
  readonly ids: string[];
  readonly window: { start: string; end: string } | null;
  readonly final: boolean;
  readonly state: { seen?: number } | null;
}

async function invocations(side: Side, scenario: string): Promise<Invocation[]> {
  const items: Invocation[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await side.dynamodb.send(new ScanCommand({ TableName: side.output('ObservationsTableName'), ExclusiveStartKey: start, ConsistentRead: true }));
    for (const i of page.Items ?? []) {
      if (i.scenario?.S !== scenario) continue;
      items.push({
        scenario,
        at: Number(i.at!.N),
        ids: JSON.parse(i.ids!.S!) as string[],
        window: JSON.parse(i.window!.S!) as Invocation['window'],
        final: i.final!.BOOL === true,
        state: JSON.parse(i.state!.S!) as Invocation['state'],
      });
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items.sort((a, b) => a.at - b.at);
}

/**
 * The messages in a small queue, left in it: received with a visibility timeout of 0 (visible again at
 * once, so every reader and every later look sees them too), three times, counted once per message id.
 */
async function peekAll(side: Side, queueUrl: string): Promise<string[]> {
  const bodies = new Map<string, string>();
  for (let look = 0; look < 3; look += 1) {
    const page = await side.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
    for (const m of page.Messages ?? []) bodies.set(m.MessageId!, m.Body ?? '');
  }
  return [...bodies.values()];
}

async function queueEmpty(side: Side, queueUrl: string): Promise<boolean> {
  const { Attributes: a = {} } = await side.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed) === 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-reads `summary` until it equals `aws` or the deadline passes (then the last summary is what the side did). */
async function until(aws: string, deadline: number, summary: () => Promise<string>): Promise<string> {
  for (;;) {
    const now = await summary();
    if (now === aws || Date.now() > deadline) return now;
    await sleep(1_000);
  }
}

function counts(list: readonly Invocation[]): string {
  const times = new Map<string, number>();
  for (const i of list) for (const id of i.ids) times.set(id, (times.get(id) ?? 0) + 1);
  return [...times].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id}×${n}`).join(' ') || 'none';
}

/** The ids inside the DLQ bodies of one scenario (a redeployed stack's DLQ may hold an earlier run's), sorted. */
function dlqIds(bodies: readonly string[], scenario: string): string {
  const messages = bodies.map((b) => JSON.parse(b) as { scenario: string; id: string });
  return messages.filter((m) => m.scenario === scenario).map((m) => m.id).sort().join(' ') || 'none';
}

async function sendToQueue(side: Side, queue: string, scenario: string, messages: Record<string, unknown>[]): Promise<void> {
  await side.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: side.output(`${queue}QueueUrl`),
      Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify({ scenario, ...m }) })),
    }),
  );
}

function sqsScenario(id: string, queue: string, behaviour: string, aws: string, messages: Record<string, unknown>[], reference = 'lambda/latest/dg/services-sqs-errorhandling.html'): Scenario {
  return {
    id,
    behaviour,
    reference,
    aws,
    async observe(side, deadline) {
      await sendToQueue(side, queue, id, messages);
      return until(aws, deadline, async () => {
        // Only a drained queue has a final answer: messages in flight may still be retried or moved.
        const drained = await queueEmpty(side, side.output(`${queue}QueueUrl`));
        const dead = await peekAll(side, side.output(`${queue}DeadLetterQueueUrl`));
        return `${drained ? 'drained' : 'not drained'}; invocations: ${counts(await invocations(side, id))}; DLQ: ${dlqIds(dead, id)}`;
      });
    },
  };
}

/** Puts the records and returns their sequence numbers. */
async function putToStream(side: Side, stream: string, scenario: string, records: Record<string, unknown>[]): Promise<string[]> {
  // One PutRecords call, one partition key: the records land in order on the stream's one shard.
  const put = await side.kinesis.send(
    new PutRecordsCommand({
      StreamName: side.output(`${stream}StreamName`),
      Records: records.map((r) => ({ PartitionKey: 'conformance', Data: new TextEncoder().encode(JSON.stringify({ scenario, ...r })) })),
    }),
  );
  return (put.Records ?? []).map((r) => r.SequenceNumber!);
}

/**
 * The on-failure messages about these records of `stream` (their batch starts at one of them), as
 * `n (batch size a+b)`. The streams share one failure queue, and sequence numbers are unique only within a
 * stream (kinesis-mock gives two new streams the same ones), so the stream's ARN is matched too.
 */
async function onFailure(side: Side, stream: string, sequenceNumbers: readonly string[]): Promise<string> {
  const streamName = side.output(`${stream}StreamName`);
  const bodies = (await peekAll(side, side.output('StreamFailuresQueueUrl')))
    .map((b) => JSON.parse(b) as { KinesisBatchInfo?: { streamArn?: string; startSequenceNumber?: string; batchSize?: number } })
    .filter((m) => (m.KinesisBatchInfo?.streamArn ?? '').endsWith(`:stream/${streamName}`))
    .filter((m) => sequenceNumbers.includes(m.KinesisBatchInfo?.startSequenceNumber ?? ''));
  return bodies.length === 0 ? 'none' : `${bodies.length} (batch size ${bodies.map((m) => m.KinesisBatchInfo!.batchSize).join('+')})`;
}

/**
 * The behaviours of docs/conformance.md run against both sides. Each `aws` line is what the cited AWS page
 * says happens; anything else a side shows is a difference.
 */
export function conformanceScenarios(): Scenario[] {
  const run = randomUUID().slice(0, 8);
  const tag = (s: string) => `${s}-${run}`;
  return [
    sqsScenario(
      tag('sqs-partial'),
      'Partial',
      'SQS `ReportBatchItemFailures`: only the listed message returns; the redrive policy moves it to the DLQ after maxReceiveCount (2)',
      'drained; invocations: fail×2 ok×1; DLQ: fail',
      [{ id: 'ok' }, { id: 'fail', act: 'fail' }],
    ),
    sqsScenario(
      tag('sqs-empty-id'),
      'EmptyId',
      'SQS `ReportBatchItemFailures` with an empty `itemIdentifier`: the whole batch fails (both messages return, then both reach the DLQ)',
      'drained; invocations: empty×2 ok×2; DLQ: empty ok',
      [{ id: 'ok' }, { id: 'empty', act: 'empty' }],
    ),
    sqsScenario(
      tag('sqs-throw'),
      'Throwing',
      'SQS function error: nothing is deleted; the message returns after the visibility timeout and reaches the DLQ after maxReceiveCount (2)',
      'drained; invocations: boom×2; DLQ: boom',
      [{ id: 'boom', act: 'throw' }],
    ),
    sqsScenario(
      tag('sqs-filter'),
      'Filtered',
      'SQS FilterCriteria (`body.kind = keep`): a non-matching message is deleted without an invocation',
      'drained; invocations: keep×1; DLQ: none',
      [{ id: 'keep', kind: 'keep' }, { id: 'drop', kind: 'drop' }],
      'lambda/latest/dg/invocation-eventfiltering.html (Amazon SQS)',
    ),
    (() => {
      const id = tag('kinesis-partial');
      const aws = 'batches: [a b c] [b c]; on-failure: 1 (batch size 2)';
      return {
        id,
        behaviour: 'Kinesis `ReportBatchItemFailures`: checkpoint at the failed record and retry from it; after MaximumRetryAttempts (1) the rest of the batch goes to the on-failure destination',
        reference: 'lambda/latest/dg/services-kinesis-batchfailurereporting.html',
        aws,
        async observe(side: Side, deadline: number) {
          const put = await putToStream(side, 'PartialStream', id, [{ id: 'a' }, { id: 'b', act: 'fail' }, { id: 'c' }]);
          return until(aws, deadline, async () => {
            const batches = (await invocations(side, id)).map((i) => `[${i.ids.join(' ')}]`).join(' ');
            return `batches: ${batches || 'none'}; on-failure: ${await onFailure(side, 'PartialStream', put)}`;
          });
        },
      };
    })(),
    (() => {
      const id = tag('kinesis-bisect');
      const aws = 'poison record alone in a batch: yes; records after it processed: yes; on-failure: 1 (batch size 1)';
      return {
        id,
        behaviour: 'Kinesis BisectBatchOnFunctionError: a failing batch is split until the poison record is alone; it goes to the on-failure destination and the rest is processed',
        reference: 'lambda/latest/dg/with-kinesis.html (error handling), kinesis-on-failure-destination.html',
        aws,
        async observe(side: Side, deadline: number) {
          const put = await putToStream(side, 'BisectStream', id, [{ id: 'a' }, { id: 'poison', act: 'throw' }, { id: 'c' }, { id: 'd' }]);
          return until(aws, deadline, async () => {
            const list = await invocations(side, id);
            const alone = list.some((i) => i.ids.length === 1 && i.ids[0] === 'poison');
            const after = ['c', 'd'].every((x) => list.some((i) => i.ids.includes(x) && !i.ids.includes('poison')));
            const failure = await onFailure(side, 'BisectStream', put);
            return `poison record alone in a batch: ${alone ? 'yes' : 'no'}; records after it processed: ${after ? 'yes' : 'no'}; on-failure: ${failure}`;
          });
        },
      };
    })(),
    (() => {
      const id = tag('kinesis-window');
      const aws = 'window in the event: yes; final invocation: yes; records counted in the final state: 3';
      return {
        id,
        behaviour: `Kinesis TumblingWindowInSeconds (${WINDOW_SECONDS}): invocations carry \`window\` and \`state\`; the window ends with an \`isFinalInvokeForWindow\` invocation holding the carried state`,
        reference: 'lambda/latest/dg/services-kinesis-windows.html',
        aws,
        async observe(side: Side, deadline: number) {
          await putToStream(side, 'WindowStream', id, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
          return until(aws, deadline, async () => {
            // The final invocation carries no records of its own: they are in the state the earlier ones returned.
            const all = (await invocations(side, 'window-close')).concat(await invocations(side, id));
            const withWindow = all.some((i) => i.window !== null);
            const finals = all.filter((i) => i.final);
            const counted = finals.reduce((sum, i) => sum + (i.state?.seen ?? 0) + i.ids.length, 0);
            return `window in the event: ${withWindow ? 'yes' : 'no'}; final invocation: ${finals.length > 0 ? 'yes' : 'no'}; records counted in the final state: ${counted}`;
          });
        },
      };
    })(),
    (() => {
      const id = tag('kinesis-filter');
      const aws = 'invocations: keep×1';
      return {
        id,
        behaviour: 'Kinesis FilterCriteria (`data.kind = keep` on the decoded JSON): a non-matching record is skipped without an invocation',
        reference: 'lambda/latest/dg/invocation-eventfiltering.html (Kinesis)',
        aws,
        async observe(side: Side, deadline: number) {
          await putToStream(side, 'FilteredStream', id, [{ id: 'drop', kind: 'drop' }, { id: 'keep', kind: 'keep' }]);
          return until(aws, deadline, async () => `invocations: ${counts(await invocations(side, id))}`);
        },
      };
    })(),
    (() => {
      const id = tag('sfn');
      const aws = 'SUCCEEDED; Map results: 1 (2 attempts), 2 (2 attempts), 3 (2 attempts); caught: PermanentError';
      return {
        id,
        behaviour: 'Step Functions: an inline Map runs a Task per item; Retry (`TransientError`, 2 attempts) retries each; Catch (`PermanentError`) moves to a fallback state with the error at its ResultPath',
        reference: 'step-functions/latest/dg/state-map-inline.html, concepts-error-handling.html; tutorial-handling-error-conditions.html (a Node.js function\'s error name is what Retry and Catch match)',
        aws,
        async observe(side: Side) {
          const result = await side.runExecution({ items: [1, 2, 3], run: id });
          const output = (result.output ?? {}) as { mapped?: { item: number; attempts: number }[]; caught?: { Error?: string } };
          const mapped = (output.mapped ?? []).map((m) => `${m.item} (${m.attempts} attempts)`).join(', ') || 'none';
          // The error name only: which item failed first varies with the Map's concurrency.
          const failure = result.status === 'SUCCEEDED' ? '' : ` (${result.error ?? 'no error'})`;
          return `${result.status}${failure}; Map results: ${mapped}; caught: ${output.caught?.Error ?? 'nothing'}`;
        },
      };
    })(),
  ];
}
