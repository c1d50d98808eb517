import { CreateQueueCommand, SQSClient, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';

describe('emulators started by the global setup', () => {
  it('serves SQS at the endpoint exported in AWS_ENDPOINT_URL_SQS', async () => {
    // Prepare
    const sqs = new SQSClient(clientConfig({ service: 'sqs' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `smoke-${Date.now()}` }));
    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"hello":1}' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    // Assess
    expect(received.Messages?.[0]?.Body).toBe('{"hello":1}');
  });
});
