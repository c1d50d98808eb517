import { queueWorkerEnv } from '../../../shared/queue/config.ts';
import { QUEUE_ENV, queueOutputName, queueWorkerEnvironment } from '../../../shared/queue/contract.ts';
import { stackQueues } from '../../../local/cli/targets/stack-resources.ts';

describe('the queue pipeline contract', () => {
  it('gives the worker back exactly what the construct wired, through the environment', () => {
    // Prepare
    const wiring = {
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq',
      fifo: false,
      dedupTable: 'dedup',
      dedupScope: 'orders',
      dedupWindowSeconds: 1_209_600,
    };
    // Act
    const env = queueWorkerEnvironment(wiring);
    const read = queueWorkerEnv(env);
    // Assess
    expect(read).toEqual({ ...wiring, dedupReadFirst: 'adaptive' });
    expect(Object.keys(env).every((name) => (Object.values(QUEUE_ENV) as string[]).includes(name))).toBe(true);
  });

  it('names the outputs the CLI finds a queue and its dead-letter queue by', () => {
    // Prepare
    const outputs = {
      [queueOutputName('Orders', 'queueUrl')]: 'https://…/orders',
      [queueOutputName('Orders', 'deadLetterQueueUrl')]: 'https://…/orders-dlq',
      [queueOutputName('Orders', 'dedupWindowSeconds')]: '3600',
    };
    // Act
    const queues = stackQueues(outputs);
    // Assess
    expect(Object.keys(outputs)).toEqual(['OrdersQueueUrl', 'OrdersDeadLetterQueueUrl', 'OrdersDedupWindowSeconds']);
    expect(queues).toEqual([{ name: 'Orders', url: 'https://…/orders', deadLetterUrl: 'https://…/orders-dlq', dedupWindowSeconds: 3600 }]);
  });
});
