// Plain JS on purpose: jest loads global setup outside its ESM transform pipeline.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the emulators once per test run in a child process (local/emulators/serve.ts) and exports
 * their endpoints through the environment, which jest's workers inherit. The child stops when its
 * stdin closes, so a killed jest never leaves emulators behind.
 * With SLUICE_TEST_TARGET=external (e.g. LocalStack) the endpoints already set are used as they are.
 */
export default async function globalSetup() {
  // In-process functions flush Powertools metrics as EMF on stdout; tests read effects, not metrics.
  // (Set here too because Powertools' single metrics read the variable when they are created.)
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  if (process.env.SLUICE_TEST_TARGET === 'external') {
    if (!process.env.AWS_ENDPOINT_URL_SQS || !process.env.AWS_ENDPOINT_URL_DYNAMODB) {
      throw new Error('SLUICE_TEST_TARGET=external needs AWS_ENDPOINT_URL_SQS, _S3, _DYNAMODB and _KINESIS');
    }
    return;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/emulators/serve.ts'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  globalThis.__sluiceEmulators = child;
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited early with code ${code}`)));
  });
  const { endpoints } = JSON.parse(line);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
  });
}
