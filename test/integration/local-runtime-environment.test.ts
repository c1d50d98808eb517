import { randomUUID } from 'node:crypto';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { createRuntimeClients } from '../../local/runtime/runtime-clients.ts';
import { pollerTestTemplate } from '../helpers/poller-test-stack.ts';

/** A port nothing listens on: a client that follows process.env there fails. */
const NOWHERE = 'http://127.0.0.1:9';

describe('the local runtime and the process environment', () => {
  it('gives its in-process functions the emulator endpoints while it runs and leaves process.env exactly as it found it', async () => {
    // Prepare
    const before = { ...process.env };
    const runtime = await LocalRuntime.start({ template: pollerTestTemplate({ reportBatchItemFailures: true }), endpoints: endpointsFromEnvironment()!, namePrefix: `e${randomUUID().slice(0, 8)}-` });
    let duringRun: string | undefined;
    try {
      // Act: the recording function's module-scope DynamoDB client makes its first request during the invocation
      await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: runtime.find('AWS::SQS::Queue', 'Work').ref, MessageBody: JSON.stringify({ id: 'env-1' }) }));
      await runtime.drain({ timeoutMs: 60_000 });
      duringRun = process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
      const recorded = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: runtime.find('AWS::DynamoDB::Table', 'Records').ref }));
      // Assess
      expect((recorded.Items ?? []).map((item) => item.pk?.S)).toEqual(['env-1']);
      expect(duringRun).toBe(runtime.endpoints.controlPlane);
    } finally {
      await runtime.stop();
    }
    expect(process.env).toEqual(before);
  });

  it('builds its own clients on explicit endpoints, so they reach the emulators whatever process.env points at', async () => {
    // Prepare: the environment points every service nowhere, in another region
    const endpoints = endpointsFromEnvironment()!;
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: NOWHERE, AWS_ENDPOINT_URL_DYNAMODB: NOWHERE, AWS_ENDPOINT_URL_S3: NOWHERE, AWS_REGION: 'eu-west-3' });
    const clients = createRuntimeClients(endpoints, 'us-east-1');
    try {
      // Act
      const answers = await Promise.all([
        clients.sqs.send(new ListQueuesCommand({})),
        clients.dynamodb.send(new ListTablesCommand({})),
        clients.s3.send(new ListBucketsCommand({})),
      ]);
      // Assess
      expect(answers.map((answer) => answer.$metadata.httpStatusCode)).toEqual([200, 200, 200]);
    } finally {
      for (const client of Object.values(clients)) (client as { destroy(): void }).destroy();
      Object.assign(process.env, saved);
    }
  });
});
