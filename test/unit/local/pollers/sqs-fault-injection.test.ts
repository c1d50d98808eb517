import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { InvocationTimeoutError } from '../../../../shared/errors.ts';
import { withSqsFaults, type SqsBatchOutcome, type SqsFaults, type SqsFaultStats } from '../../../../local/pollers/sqs-fault-injection.ts';
import { sqsRecord, stringAttribute } from '../../../helpers/sqs-events.ts';

function noStats(): SqsFaultStats {
  return { injectedCrashes: 0, injectedFailures: 0, injectedDuplicates: 0, injectedTimeouts: 0 };
}

/** A handler that records what it was given and answers `response`. */
function recordingHandler(response: unknown = undefined) {
  const given: string[][] = [];
  const invoke = async (records: SQSRecord[]): Promise<SqsBatchOutcome> => {
    given.push(records.map((r) => r.messageId));
    return { response };
  };
  return { given, invoke };
}

/** An SQS client that keeps the inputs of the commands sent to it (only duplicate deliveries send). */
function sendingClient() {
  const sent: Record<string, unknown>[] = [];
  const sqs = { send: async (command: { input: Record<string, unknown> }) => sent.push(command.input) } as unknown as SQSClient;
  return { sent, sqs };
}

function injector(faults: SqsFaults, options: { fifo?: boolean; reportsItemFailures?: boolean; handler?: ReturnType<typeof recordingHandler>; sqs?: SQSClient } = {}) {
  const stats = noStats();
  const handler = options.handler ?? recordingHandler();
  const invoke = withSqsFaults(handler.invoke, {
    faults,
    fifo: options.fifo ?? false,
    reportsItemFailures: options.reportsItemFailures ?? true,
    sqs: options.sqs ?? sendingClient().sqs,
    queueUrl: 'http://localhost/000000000000/work',
    stats,
  });
  return { invoke, stats, handler };
}

describe('withSqsFaults (the SQS poller’s injected faults)', () => {
  it('withholds the failing records from the handler and reports them next to the handler’s own failures', async () => {
    // Prepare
    const [a, b, c] = [sqsRecord({ messageId: 'a' }), sqsRecord({ messageId: 'b' }), sqsRecord({ messageId: 'c' })];
    const handler = recordingHandler({ batchItemFailures: [{ itemIdentifier: 'c' }] });
    const { invoke, stats } = injector({ failRecord: (r) => r.messageId === 'b' }, { handler });
    // Act
    const outcome = await invoke([a!, b!, c!]);
    // Assess
    expect(handler.given).toEqual([['a', 'c']]);
    expect(outcome).toEqual({ response: { batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'b' }] } });
    expect(stats.injectedFailures).toBe(1);
  });

  it('throws without invoking the handler when a record fails and the mapping does not report item failures', async () => {
    // Prepare
    const { invoke, handler } = injector({ failRecord: (r) => r.messageId === 'b' }, { reportsItemFailures: false });
    // Act
    const outcome = invoke([sqsRecord({ messageId: 'a' }), sqsRecord({ messageId: 'b' })]);
    // Assess
    await expect(outcome).rejects.toThrow('injected fault: handler threw');
    expect(handler.given).toEqual([]);
  });

  it('on a FIFO queue also fails the later records of a failed record’s message group, as a FIFO handler stops the group', async () => {
    // Prepare
    const records = [
      sqsRecord({ messageId: 'g1-1', groupId: 'g1' }),
      sqsRecord({ messageId: 'g2-1', groupId: 'g2' }),
      sqsRecord({ messageId: 'g1-2', groupId: 'g1' }),
      sqsRecord({ messageId: 'g1-3', groupId: 'g1' }),
    ];
    const { invoke, handler, stats } = injector({ failRecord: (r) => r.messageId === 'g1-2' }, { fifo: true });
    // Act
    const outcome = await invoke(records);
    // Assess
    expect(handler.given).toEqual([['g1-1', 'g2-1']]);
    expect(outcome).toEqual({ response: { batchItemFailures: [{ itemIdentifier: 'g1-2' }, { itemIdentifier: 'g1-3' }] } });
    expect(stats.injectedFailures).toBe(2);
  });

  it('reports every record failed without invoking the handler when all of them fail', async () => {
    // Prepare
    const { invoke, handler } = injector({ failRecord: () => true });
    // Act
    const outcome = await invoke([sqsRecord({ messageId: 'a' })]);
    // Assess
    expect(handler.given).toEqual([]);
    expect(outcome).toEqual({ response: { batchItemFailures: [{ itemIdentifier: 'a' }] } });
  });

  it('leaves a response Lambda rejects as a whole as it is, so the whole batch still fails', async () => {
    // Prepare
    const handler = recordingHandler({ batchItemFailures: 'not a list' });
    const { invoke } = injector({ failRecord: (r) => r.messageId === 'b' }, { handler });
    // Act
    const outcome = await invoke([sqsRecord({ messageId: 'a' }), sqsRecord({ messageId: 'b' })]);
    // Assess
    expect(outcome).toEqual({ response: { batchItemFailures: 'not a list' } });
  });

  it('loses the response of a batch that crashes before the acknowledgement, after the handler ran', async () => {
    // Prepare
    const { invoke, handler, stats } = injector({ crashBeforeAck: () => true });
    // Act
    const outcome = await invoke([sqsRecord({ messageId: 'a' })]);
    // Assess
    expect(handler.given).toEqual([['a']]);
    expect(outcome).toEqual({ lost: true });
    expect(stats.injectedCrashes).toBe(1);
  });

  it('rejects with Lambda’s timeout error when an injected timeout cuts the invocation', async () => {
    // Prepare
    const hanging = { given: [] as string[][], invoke: () => new Promise<SqsBatchOutcome>(() => undefined) };
    const { invoke, stats } = injector({ invocationTimeoutMs: () => 5, crashBeforeAck: () => true }, { handler: hanging });
    // Act
    const outcome = invoke([sqsRecord({ messageId: 'a' })]);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvocationTimeoutError);
    expect(stats.injectedTimeouts).toBe(1);
    expect(stats.injectedCrashes).toBe(0);
  });

  it('sends a copy of a duplicated record back to the queue with its attributes before the handler runs, on standard queues only', async () => {
    // Prepare
    const record = sqsRecord({ messageId: 'a', body: { orderId: 'o-1' }, attributes: { 'sluice-dedup-key': stringAttribute('o-1') } });
    const standard = sendingClient();
    const fifo = sendingClient();
    const onStandard = injector({ duplicateDelivery: () => true }, { sqs: standard.sqs });
    const onFifo = injector({ duplicateDelivery: () => true }, { sqs: fifo.sqs, fifo: true });
    // Act
    await onStandard.invoke([record]);
    await onFifo.invoke([sqsRecord({ messageId: 'f', groupId: 'g' })]);
    // Assess
    expect(standard.sent).toEqual([
      { QueueUrl: 'http://localhost/000000000000/work', MessageBody: '{"orderId":"o-1"}', MessageAttributes: { 'sluice-dedup-key': { DataType: 'String', StringValue: 'o-1' } } },
    ]);
    expect(onStandard.stats.injectedDuplicates).toBe(1);
    expect(fifo.sent).toEqual([]);
  });
});
