import { outputNames, type ConsoleRuntime } from '../../../../local/console/console-runtime.ts';
import { templateQueues } from '../../../../local/console/queues-view.ts';
import { committedWindows } from '../../../../local/console/streams-view.ts';
import { ResourceRegistry } from '../../../../local/runtime/resources.ts';
import type { CfnTemplate } from '../../../../local/template/types.ts';
import type { WindowResultItem } from '../../../../shared/stream/window-results.ts';
import { keyedRecord } from '../../../../shared/keyed-record.ts';

/** A user's own app: plain CDK queues without sluice's outputs, a stream whose mapping sends failures to a queue. */
const template: CfnTemplate = {
  Resources: {
    InvoicesDlq1A2B3C4D: { Type: 'AWS::SQS::Queue' },
    Invoices5E6F7A8B: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['InvoicesDlq1A2B3C4D', 'Arn'] }, maxReceiveCount: 3 } } },
    Audit9C0D1E2F: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, QueueName: 'audit.fifo' } },
    Clicks3A4B5C6D: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
    ClickFailures7E8F9A0B: { Type: 'AWS::SQS::Queue' },
  },
};

function runtimeOf(outputs: Record<string, string>): ConsoleRuntime {
  const resources = ResourceRegistry.fromTemplate(template, { region: 'us-east-1', accountId: '000000000000', namePrefix: '', sqsEndpoint: 'http://127.0.0.1:4566' });
  const stats = { received: 4, invocations: 1, deleted: 4, itemFailures: 0, batchErrors: 0, injectedCrashes: 0, injectedFailures: 0, injectedDuplicates: 0, injectedTimeouts: 0, filtered: 0 };
  return {
    resources,
    outputs: () => outputs,
    sqsMappings: [{ logicalId: 'InvoicesMapping', functionLogicalId: 'InvoiceWorker', source: resources.require('Invoices5E6F7A8B'), properties: {}, poller: { stats } }],
    streamMappings: [
      {
        logicalId: 'ClicksMapping',
        functionLogicalId: 'ClickCounter',
        source: resources.require('Clicks3A4B5C6D'),
        properties: { DestinationConfig: { OnFailure: { Destination: resources.require('ClickFailures7E8F9A0B').attributes.Arn } } },
        poller: { stats: {} },
      },
    ],
  } as unknown as ConsoleRuntime;
}

describe('the console views of any app', () => {
  it("lists the template's queues with their DLQ and consumer, DLQs not on their own, named by logical id without outputs", () => {
    // Act
    const queues = templateQueues(runtimeOf({}));

    // Assess
    expect(queues.map((q) => [q.id, q.name, q.fifo, q.deadLetter?.id, q.deadLetter?.maxReceiveCount, q.consumer?.function, q.failureDestinationOf])).toEqual([
      ['Audit9C0D1E2F', 'Audit9C0D1E2F', true, undefined, undefined, undefined, undefined],
      ['ClickFailures7E8F9A0B', 'ClickFailures7E8F9A0B', false, undefined, undefined, undefined, 'Clicks3A4B5C6D'],
      ['Invoices5E6F7A8B', 'Invoices5E6F7A8B', false, 'InvoicesDlq1A2B3C4D', 3, 'InvoiceWorker', undefined],
    ]);
  });

  it("names queues and streams after the stack's outputs when it has them", () => {
    // Prepare
    const url = 'http://127.0.0.1:4566/000000000000/Invoices5E6F7A8B';
    const outputs = { InvoicesQueueUrl: url, InvoicesDeadLetterQueueUrl: 'http://127.0.0.1:4566/000000000000/InvoicesDlq1A2B3C4D', ClicksStreamName: 'Clicks3A4B5C6D' };

    // Act
    const queues = templateQueues(runtimeOf(outputs));

    // Assess
    expect(outputNames(outputs, ['DeadLetterQueueUrl', 'QueueUrl']).get(url)).toBe('Invoices');
    const invoices = queues.find((q) => q.id === 'Invoices5E6F7A8B')!;
    expect([invoices.name, invoices.deadLetter?.name]).toEqual(['Invoices', 'Invoices DLQ']);
    expect(queues.find((q) => q.id === 'ClickFailures7E8F9A0B')?.failureDestinationOf).toBe('Clicks');
  });

  it('adds up the parts of each committed window across shards, latest window first, keys as data, closed once every shard closed it', () => {
    // Prepare
    const part = (shardId: string, windowStart: string, records: number, aggregates: [string, number][]): WindowResultItem => ({
      pk: `p#${shardId}#${windowStart}`,
      sk: '1',
      kind: 'part',
      pipeline: 'p',
      shardId,
      windowStart,
      windowEnd: `${windowStart.slice(0, 14)}59:59.999Z`,
      records,
      rejected: 1,
      aggregates: keyedRecord(aggregates.map(([key, sum]) => [key, { count: 1, sum, min: sum, max: sum }])),
      firstSequenceNumber: '1',
      lastSequenceNumber: '2',
      terminatedEarly: false,
      committedAt: windowStart,
    });
    const close = (shardId: string, windowStart: string): WindowResultItem => ({
      ...part(shardId, windowStart, 0, []),
      sk: 'close#2',
      kind: 'close',
      rejected: 0,
      closed: { parts: 1, records: 2, rejected: 1 },
    });

    // Act
    const windows = committedWindows([
      part('shard-0', '2026-01-01T00:00:00.000Z', 2, [['books', 100], ['__proto__', 5]]),
      part('shard-1', '2026-01-01T00:00:00.000Z', 3, [['books', 50]]),
      close('shard-0', '2026-01-01T00:00:00.000Z'),
      close('shard-1', '2026-01-01T00:00:00.000Z'),
      part('shard-0', '2026-01-01T00:01:00.000Z', 1, [['games', 7]]),
    ]);

    // Assess
    expect(windows.map((w) => [w.windowStart, w.shards, w.closedShards, w.records, w.rejected])).toEqual([
      ['2026-01-01T00:01:00.000Z', 1, 0, 1, 1],
      ['2026-01-01T00:00:00.000Z', 2, 2, 5, 2],
    ]);
    expect(windows[1]!.results).toEqual([
      ['books', { count: 2, sum: 150, min: 50, max: 100 }],
      ['__proto__', { count: 1, sum: 5, min: 5, max: 5 }],
    ]);
  });
});
