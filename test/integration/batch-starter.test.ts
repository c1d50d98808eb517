import { SFNClient, DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { startBatchHarness, type BatchHarness } from '../helpers/batch-runtime.ts';

describe('batch job requests over SQS', () => {
  let batch: BatchHarness;

  beforeAll(async () => {
    batch = await startBatchHarness({}, { withRequests: true });
    await batch.putObject('inputs/orders.jsonl', [...generateOrders(2_000, 3)].map((r) => JSON.stringify(r)).join('\n'));
  });
  afterAll(async () => {
    await batch?.stop();
  });

  it('starts one execution per job, however often the request is sent, and the job completes', async () => {
    // Prepare
    const spec = jobSpecInput({
      jobId: 'requested-job',
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/orders.jsonl' } },
      output: { bucket: batch.bucket, prefix: 'results/' },
    });
    const body = JSON.stringify(spec);
    const sfn = new SFNClient({ ...clientConfig(), endpoint: process.env.AWS_ENDPOINT_URL_SFN });

    // Act: the same request three times in one batch, and once more later
    await batch.runtime.clients.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: batch.requestQueueUrl, Entries: [0, 1, 2].map((n) => ({ Id: `m${n}`, MessageBody: body })) }),
    );
    await batch.runtime.drain({ timeoutMs: 30_000 });
    await batch.runtime.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: batch.requestQueueUrl, Entries: [{ Id: 'late', MessageBody: body }] }));
    await batch.runtime.drain({ timeoutMs: 30_000 });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: batch.machine.arn }));
    await batch.machine.wait(executions![0]!.executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executions![0]!.executionArn! }));

    // Assess
    expect(executions).toHaveLength(1);
    expect(described).toMatchObject({ name: 'requested-job', status: 'SUCCEEDED' });
    expect(JSON.parse(described.output!)).toMatchObject({ jobId: 'requested-job', records: 2_000 });
    expect(described.startDate).toBeInstanceOf(Date);
  });
});
