import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STACK_NAME } from '../../../../examples/orders/infra/app.ts';
import { writeDevState } from '../../../../local/cli/targets/dev-state.ts';
import { DEFAULT_STACK_NAME, resolveTarget } from '../../../../local/cli/targets/target.ts';

describe('target resolution', () => {
  it('defaults to the stack name the CDK app deploys', () => {
    // Assess
    expect(DEFAULT_STACK_NAME).toBe(STACK_NAME);
  });

  it('points the SDK at the running `sluice dev` only, replacing other endpoint overrides, and takes its outputs', async () => {
    // Prepare
    const stateFile = join(mkdtempSync(join(tmpdir(), 'sluice-target-')), 'dev.json');
    const endpoints = { sqs: 'http://127.0.0.1:9324', s3: 'http://127.0.0.1:9324', dynamodb: 'http://127.0.0.1:8000', kinesis: 'http://127.0.0.1:4567' };
    writeDevState(stateFile, { pid: process.pid, startedAt: '', region: 'eu-west-1', endpoints, outputs: { OrdersQueueUrl: 'http://q' } });
    const env: NodeJS.ProcessEnv = { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_ENDPOINT_URL_SFN: 'http://elsewhere' };
    // Act
    const target = await resolveTarget({ target: 'local', stack: 'Sluice', stateFile }, env);
    target.close();
    // Assess
    expect(target.outputs).toEqual({ OrdersQueueUrl: 'http://q' });
    expect(target.description).toBe(`local (sluice dev, pid ${process.pid})`);
    expect(env).toMatchObject({ AWS_ENDPOINT_URL_SQS: endpoints.sqs, AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis, AWS_REGION: 'eu-west-1' });
    expect(env.AWS_ENDPOINT_URL).toBeUndefined();
    expect(env.AWS_ENDPOINT_URL_SFN).toBeUndefined();
    expect(target.clients.sfn).toBeUndefined();
  });
});
