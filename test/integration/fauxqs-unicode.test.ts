import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';

// The emulators the test run shares were started by sluice's own startEmulators (local/emulators/serve.ts),
// in a plain Node process, as `sluice dev` and `npm start` start them.
describe('fauxqs as sluice starts it accepts what SQS accepts', () => {
  let client: SQSClient;

  beforeAll(() => {
    client = new SQSClient({ endpoint: endpointsFromEnvironment()!.sqs, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });

  afterAll(() => {
    client.destroy();
  });

  it('sends and receives bodies with characters above U+FFFF (emoji), singly and in batches, and still refuses a lone surrogate', async () => {
    // Prepare
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `unicode-${Date.now()}` }));
    const bodies = ['{"note":"🍕 for 𝔸lice"}', '{"note":"𠜎 ideograph"}'];
    // Act
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: bodies[0] }));
    await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: bodies[1] }] }));
    const loneSurrogate = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'half \uD83D' })).catch((err: Error) => err);
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    // Assess
    expect(loneSurrogate).toBeInstanceOf(Error);
    expect((loneSurrogate as Error).message).toMatch(/Invalid characters/);
    expect((received.Messages ?? []).map((m) => m.Body).sort()).toEqual([...bodies].sort());
  });
});
