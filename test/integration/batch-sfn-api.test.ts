import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientConfig } from '../../shared/aws-clients.ts';
import { startStepFunctionsApi } from '../../local/stepfunctions/api-server.ts';
import { readItems } from '../../local/stepfunctions/item-reader.ts';
import { createLocalStateMachine, type LocalStateMachine } from '../../local/stepfunctions/state-machine.ts';
import { fakeFunction } from '../helpers/batch-local-functions.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
const bucket = `sfn-${randomUUID().slice(0, 8)}`;
const getObject = 'arn:aws:states:::s3:getObject';

describe('Distributed Map S3 integrations of the local runner (fauxqs S3)', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
    await Promise.all([put('items.json', '[{"a":1},{"a":2},{"a":3}]'), put('items.jsonl', '{"a":1}\n\n{"a":2}\n'), put('items.csv', 'a,b\n1,x\n2,y\n')]);
  });

  it.each([
    ['JSON', 'items.json', [{ a: 1 }, { a: 2 }]],
    ['JSONL', 'items.jsonl', [{ a: 1 }, { a: 2 }]],
    ['CSV', 'items.csv', [{ a: '1', b: 'x' }, { a: '2', b: 'y' }]],
  ] as const)('reads %s items as Step Functions does (CSV values stay strings), capped by MaxItems', async (inputType, key, expected) => {
    // Act
    const items = await readItems(s3, { Resource: getObject, ReaderConfig: { InputType: inputType, MaxItems: 2 }, Parameters: { Bucket: bucket, Key: key } });
    // Assess
    expect(items).toEqual(expected);
  });

  it('lists objects as items with listObjectsV2', async () => {
    // Act
    const items = (await readItems(s3, { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: bucket, Prefix: 'items.j' } })) as { Key: string }[];
    // Assess
    expect(items.map((i) => i.Key).sort()).toEqual(['items.json', 'items.jsonl']);
  });

  it('fails with States.ItemReaderFailed when the object is missing', async () => {
    // Act
    const reading = readItems(s3, { Resource: getObject, Parameters: { Bucket: bucket, Key: 'nope.json' } });
    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'States.ItemReaderFailed' });
  });

  it('writes child results with ResultWriter and outputs the manifest location', async () => {
    // Prepare
    const echo = fakeFunction('echo', async (event) => ({ seen: event }));
    const machine = createLocalStateMachine({
      name: 'writer',
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:writer',
      definition: {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemReader: { Resource: getObject, ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: bucket, 'Key.$': '$.key' } },
            ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: echo.arn, End: true } } },
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'runs' } },
            End: true,
          },
        },
      },
      functionsByArn: (arn) => (arn === echo.arn ? echo : undefined),
      s3,
    });
    // Act
    const execution = await machine.wait(await machine.start({ key: 'items.json' }));
    const output = JSON.parse(execution.output!);
    const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: output.ResultWriterDetails.Key }))).Body!.transformToString());
    const succeeded = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifest.ResultFiles.SUCCEEDED[0].Key }))).Body!.transformToString());
    // Assess
    expect(output.ResultWriterDetails).toMatchObject({ Bucket: bucket, Key: expect.stringMatching(/^runs\/.+\/manifest\.json$/) });
    expect(succeeded.map((e: { Output: string }) => JSON.parse(e.Output))).toEqual([{ seen: { a: 1 } }, { seen: { a: 2 } }, { seen: { a: 3 } }]);
  });
});

describe('local Step Functions API (AWS JSON 1.0)', () => {
  let machine: LocalStateMachine;
  let api: Awaited<ReturnType<typeof startStepFunctionsApi>>;
  let sfn: SFNClient;

  beforeAll(async () => {
    const fn = fakeFunction('answer', async () => ({ answer: 42 }));
    machine = createLocalStateMachine({
      name: 'api',
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:api',
      definition: { StartAt: 'Answer', States: { Answer: { Type: 'Task', Resource: fn.arn, End: true } } },
      functionsByArn: () => fn,
      s3,
    });
    api = await startStepFunctionsApi([machine]);
    sfn = new SFNClient({ ...clientConfig(), endpoint: api.endpoint });
  });
  afterAll(async () => {
    sfn.destroy();
    await api.stop();
  });

  it('starts, describes and lists executions through SFNClient', async () => {
    // Act
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'run-1', input: '{"q":1}' }));
    await machine.wait(executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.arn, statusFilter: 'SUCCEEDED' }));
    // Assess
    expect(described).toMatchObject({ name: 'run-1', status: 'SUCCEEDED', input: '{"q":1}', output: '{"answer":42}' });
    expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());
    expect(listed.executions!.map((e) => e.name)).toEqual(['run-1']);
  });

  it('answers with the error types the SDK maps to its exceptions', async () => {
    // Act
    const reused = sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'run-1', input: '{"q":2}' }));
    const missing = sfn.send(new DescribeExecutionCommand({ executionArn: `${machine.arn.replace(':stateMachine:', ':execution:')}:nope` }));
    const noMachine = sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine.arn}-x` }));
    // Assess
    await expect(reused).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(missing).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(noMachine).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses the operation AWSStepFunctions.%s, named like a built-in, as unknown', async (name) => {
    // Act
    const response = await fetch(api.endpoint, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${name}`, 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: `operation AWSStepFunctions.${name} is not supported locally` });
  });
});
