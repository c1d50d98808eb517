import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../shared/aws-clients.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { runCli, startDev, type DevProcess } from '../helpers/cli-process.ts';

const RECORDS = 3_000;

describe('sluice batch start|status against a running `sluice dev` (Step Functions endpoint of the local runtime)', () => {
  let dev: DevProcess;
  let jobFile: string;
  const files = mkdtempSync(join(tmpdir(), 'sluice-cli-batch-'));

  beforeAll(async () => {
    dev = await startDev(['--no-pollers', '--no-console']);
    const bucket = dev.state.outputs.BatchBucketName!;
    const s3 = new S3Client({ ...clientConfig({ service: 's3' }), endpoint: dev.state.endpoints.s3, forcePathStyle: true });
    try {
      const body = [...generateOrders(RECORDS, 5)].map((r) => JSON.stringify(r)).join('\n');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inputs/cli.jsonl', Body: body }));
    } finally {
      s3.destroy();
    }
    jobFile = join(files, 'job.json');
    const spec = jobSpecInput({
      jobId: 'cli-job',
      input: { format: 'jsonl', s3: { bucket, key: 'inputs/cli.jsonl' } },
      partition: { key: 'customer', count: 4 },
      output: { bucket, prefix: 'results/' },
    });
    writeFileSync(jobFile, JSON.stringify(spec));
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('publishes the Step Functions endpoint in the dev state file', () => {
    // Assess
    expect(dev.state.endpoints.sfn).toMatch(/^http:\/\/127\.0\.0\.1:\d+$|^http:\/\/localhost:\d+$/);
    expect(dev.output.stdout).toContain(`export AWS_ENDPOINT_URL_SFN=${dev.state.endpoints.sfn}`);
    // --no-console: no console line, no console token.
    expect(dev.output.stdout).not.toMatch(/^console/m);
  });

  it('starts a job, waits for it and prints its summary; a second start starts nothing', async () => {
    // Act
    const started = await runCli(['batch', 'start', jobFile, '--wait'], { stateFile: dev.stateFile, timeoutMs: 120_000 });
    const again = await runCli(['batch', 'start', jobFile], { stateFile: dev.stateFile });

    // Assess
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('started batch job cli-job (local)\n');
    expect(started.stdout).toMatch(/^execution: arn:aws:states:[a-z0-9-]+:000000000000:execution:[^:]+:cli-job$/m);
    expect(started.stdout).toMatch(/^state\s+SUCCEEDED$/m);
    expect(started.stdout).toMatch(new RegExp(`^records\\s+${RECORDS}$`, 'm'));
    expect(started.stdout).toMatch(/^groups\s+s3:\/\/.+\/results\/cli-job\/groups\.jsonl$/m);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('batch job cli-job was already started');
  });

  it('shows a job’s state and summary in `batch status` and the job row in `status`', async () => {
    // Act
    const status = await runCli(['batch', 'status', 'cli-job'], { stateFile: dev.stateFile });
    const json = await runCli(['batch', 'status', 'cli-job', '--json'], { stateFile: dev.stateFile });
    const overview = await runCli(['status'], { stateFile: dev.stateFile });

    // Assess
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^execution\s+SUCCEEDED$/m);
    expect(status.stdout).toMatch(/^partitions\s+4$/m);
    expect(JSON.parse(json.stdout)).toMatchObject({ jobId: 'cli-job', state: 'SUCCEEDED', executionStatus: 'SUCCEEDED', summary: { records: RECORDS, groups: 5 } });
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/^cli-job\s+SUCCEEDED\s+\d{4}-\d\d-\d\dT/m);
  });

  it('says there is no such job, with exit 1', async () => {
    // Act
    const missing = await runCli(['batch', 'status', 'no-such-job'], { stateFile: dev.stateFile });

    // Assess
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('sluice batch status: error: no batch job no-such-job (local): no execution and no summary\n');
  });

  it('refuses a bad job spec with exit 2, naming the field, before reaching the target', async () => {
    // Prepare
    const bad = join(files, 'bad.json');
    writeFileSync(bad, JSON.stringify(jobSpecInput({ jobId: 'bad-job', partition: { key: 'customer', count: 0 } })));

    // Act
    const result = await runCli(['batch', 'start', bad], { stateFile: join(files, 'no-dev.json') });

    // Assess
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^sluice batch start: .*bad\.json: invalid batch job spec: partition\.count: .*>=1/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
