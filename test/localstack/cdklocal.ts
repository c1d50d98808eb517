import { execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../tools/python-tools.ts';

/** MiniStack's default account: CDK environments and ARNs use it. */
export const EMULATOR_ACCOUNT = '000000000000';
export const EMULATOR_REGION = 'us-east-1';

/**
 * The environment every AWS client and `cdklocal` needs to talk to a LocalStack-compatible endpoint:
 * one endpoint for every service, path-style S3 (no `*.localhost.localstack.cloud` names without DNS),
 * dummy credentials.
 *
 * @example
 * const env = emulatorEnvironment('http://127.0.0.1:4566');
 */
export function emulatorEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_S3_FORCE_PATH_STYLE: '1',
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
}

/** The commands `run` started that have not ended: run.ts ends them on Ctrl-C. */
export const runningChildren = new Set<ChildProcess>();

/** Runs a command to completion, failing with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd ?? PROJECT_ROOT, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        runningChildren.delete(child);
        if (error) reject(new Error(`${[command, ...args].join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`);
      },
    );
    runningChildren.add(child);
  });
}

const CDKLOCAL = join(PROJECT_ROOT, 'node_modules/.bin/cdklocal');
const CDK = join(PROJECT_ROOT, 'node_modules/.bin/cdk');

/**
 * `cdk synth` of the app in `appDir` (its cdk.json, or `app` instead) into `outDir`, quietly.
 *
 * @example
 * await synthesize(PROJECT_ROOT, '.sluice/localstack/sample.out');
 */
export function synthesize(appDir: string, outDir: string, options: { app?: string; env?: Record<string, string> } = {}): Promise<string> {
  return run(CDK, ['synth', '--quiet', '--output', outDir, ...(options.app ? ['--app', options.app] : [])], { cwd: appDir, env: options.env });
}

/**
 * `cdklocal bootstrap aws://000000000000/us-east-1`: the CDKToolkit stack (asset bucket, roles) in the emulator.
 *
 * @example
 * await bootstrap(emulatorEnvironment(endpoint));
 */
export function bootstrap(env: Record<string, string>): Promise<string> {
  return run(CDKLOCAL, ['bootstrap', `aws://${EMULATOR_ACCOUNT}/${EMULATOR_REGION}`], { cwd: '/', env });
}

/**
 * `cdklocal deploy <stack> --app <assembly> --require-approval never`: deploys an already synthesized stack.
 *
 * @example
 * await deploy(env, '.sluice/localstack/sample.out', 'Sluice');
 */
export function deploy(env: Record<string, string>, assemblyDir: string, stack: string): Promise<string> {
  return run(CDKLOCAL, ['deploy', stack, '--app', assemblyDir, '--require-approval', 'never', '--progress', 'events'], { cwd: '/', env });
}

/**
 * `cdklocal destroy <stack> --app <assembly> --force`.
 *
 * @example
 * await destroy(env, '.sluice/localstack/sample.out', 'Sluice');
 */
export function destroy(env: Record<string, string>, assemblyDir: string, stack: string): Promise<string> {
  return run(CDKLOCAL, ['destroy', stack, '--app', assemblyDir, '--force'], { cwd: '/', env });
}
