import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { PLAIN_STACK, plainApp } from '../helpers/plain-app.ts';

describe('the local runtime on an app without sluice constructs', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      app: { app: (props) => plainApp(props), stack: PLAIN_STACK },
      endpoints: endpointsFromEnvironment()!,
      namePrefix: `a${randomUUID().slice(0, 6)}-`,
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('runs a plain NodejsFunction from its bundled asset behind its event source mapping', async () => {
    // Prepare
    const queueUrl = runtime.find('AWS::SQS::Queue', 'Work').ref;
    const ids = Array.from({ length: 7 }, (_, i) => `m-${i}`);

    // Act
    await runtime.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ids.map((id, n) => ({ Id: String(n), MessageBody: JSON.stringify({ id }) })) }));
    await runtime.drain({ timeoutMs: 120_000 });

    // Assess
    const out = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: runtime.find('AWS::DynamoDB::Table', 'Records').ref }));
    expect((out.Items ?? []).map((i) => i.pk!.S).sort()).toEqual(ids);
    expect(runtime.function('PlainRecorder').entry).toMatch(/asset\.[0-9a-f]+\/index\.js$/);
  });

  it('runs an inline Node.js function as CommonJS', async () => {
    // Act
    const out = await runtime.function('InlineEcho').invoke({ hello: 'world' });

    // Assess
    expect(out).toEqual({ echoed: { hello: 'world' } });
  });

  it('lists a function it cannot run with the reason instead of skipping it silently', () => {
    // Assess
    expect(runtime.unsupportedFunctions).toEqual([{ logicalId: expect.stringMatching(/^PythonHello/), reason: 'runtime python3.12 is not emulated (Node.js only)' }]);
  });
});
