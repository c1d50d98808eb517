import { stackQueues, stackStreams } from '../../../../local/cli/targets/stack-resources.ts';
import { findDestination, findQueue, findQueueWithDeadLetter } from '../../../../local/cli/commands/resources.ts';
import { UsageError } from '../../../../local/cli/commands/usage-error.ts';

const outputs = {
  OrdersQueueUrl: 'https://sqs/orders',
  OrdersDeadLetterQueueUrl: 'https://sqs/orders-dlq',
  OrderStreamStreamName: 'order-stream',
  OrderStreamFailureQueueUrl: 'https://sqs/stream-failures',
  DedupTableName: 'dedup',
};

describe('stack resources discovered from output names', () => {
  it('lists each <Name>QueueUrl as a queue paired with its <Name>DeadLetterQueueUrl, never the DLQ itself', () => {
    // Act
    const queues = stackQueues(outputs);
    // Assess
    expect(queues).toEqual([
      { name: 'OrderStreamFailure', url: 'https://sqs/stream-failures' },
      { name: 'Orders', url: 'https://sqs/orders', deadLetterUrl: 'https://sqs/orders-dlq' },
    ]);
  });

  it('reads a queue pipeline\'s dedup window from <Name>DedupWindowSeconds', () => {
    // Act
    const [orders] = stackQueues({ OrdersQueueUrl: 'https://sqs/orders', OrdersDedupWindowSeconds: '1555200' });
    // Assess
    expect(orders).toEqual({ name: 'Orders', url: 'https://sqs/orders', dedupWindowSeconds: 1_555_200 });
  });

  it('lists each <Name>StreamName as a stream', () => {
    // Assess
    expect(stackStreams(outputs)).toEqual([{ name: 'OrderStream', streamName: 'order-stream' }]);
  });

  it('finds a queue or stream by name case-insensitively', () => {
    // Assess
    expect(findQueue(outputs, 'orders').url).toBe('https://sqs/orders');
    expect(findDestination(outputs, 'orderstream')).toEqual({ kind: 'stream', stream: { name: 'OrderStream', streamName: 'order-stream' } });
  });

  it('names the known queues and streams when the name is unknown', () => {
    // Assess
    expect(() => findDestination(outputs, 'Payments')).toThrow(new UsageError('unknown queue or stream "Payments": expected one of OrderStreamFailure, Orders, OrderStream'));
    expect(() => findQueue(outputs, 'OrderStream')).toThrow(new UsageError('unknown queue "OrderStream": expected one of OrderStreamFailure, Orders'));
  });

  it('refuses a DLQ command on a queue without a dead-letter queue output', () => {
    // Assess
    expect(() => findQueueWithDeadLetter(outputs, 'OrderStreamFailure')).toThrow(
      new UsageError('queue "OrderStreamFailure" has no dead-letter queue output: expected one of Orders'),
    );
  });
});
