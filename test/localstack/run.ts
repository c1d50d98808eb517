/**
 * `npm run test:localstack`: the LocalStack path, run for real on MiniStack (a LocalStack-compatible
 * emulator: one local process, no Docker, no account), from a fresh clone:
 *   1. the pinned Python tools into .sluice/python (test/tools/requirements.txt);
 *   2. MiniStack on a free port bound to 127.0.0.1;
 *   3. `cdklocal bootstrap`, then `cdk synth` + `cdklocal deploy` of the sample stack and of a `sluice init` app
 *      (each template also through cfn-lint);
 *   4. jest's `localstack` project against the deployed stacks (the `sluice` CLI with `--target localstack`,
 *      the Orders, stream and batch paths, the init app's queue, the conformance comparison);
 *   5. `cdklocal destroy` of the three stacks;
 *   6. the integration suite with SLUICE_TEST_TARGET=external against the same endpoint: a focused
 *      subset by default (CI), every file with `--full`;
 *   7. MiniStack stopped with every Lambda worker it started.
 * Usage: npm run test:localstack [-- --full] [-- --keep] [-- --only <jest path pattern>]
 *   --keep: leave MiniStack running and the stacks deployed, print its endpoint;
 *   --only: run only the matching files of the `localstack` project and no external suite (to iterate).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_STACK } from './conformance-app.ts';
import { bootstrap, deploy, destroy, emulatorEnvironment, run, runningChildren, synthesize } from './cdklocal.ts';
import { lintTemplates } from '../tools/cfn-lint.ts';
import { MINISTACK_UNSUPPORTED, removeUnsupportedResources } from './emulator-assembly.ts';
import { MINISTACK, startMiniStack } from './ministack.ts';
import { ensurePythonTools, PROJECT_ROOT } from '../tools/python-tools.ts';
import { EXTERNAL_SUBSET, LOCALSTACK_STATE_ENV, type LocalStackState } from './state.ts';

const WORK = join(PROJECT_ROOT, '.sluice/localstack');
const SAMPLE_OUT = join(WORK, 'sample.out');
const APP_DIR = join(WORK, 'invoices-app');
const APP_OUT = join(WORK, 'invoices-app.out');
const CONFORMANCE_OUT = join(WORK, 'conformance.out');
const full = process.argv.includes('--full');
const keep = process.argv.includes('--keep');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const started = Date.now();
function step(text: string): void {
  console.log(`\n== [${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`);
}

/** `sluice init` as a user runs it, with the app's `sluice` dependency linked to this checkout (no npm install). */
async function scaffoldInitApp(): Promise<string> {
  rmSync(APP_DIR, { recursive: true, force: true });
  await run(process.execPath, [join(PROJECT_ROOT, 'local/cli/bin.js'), 'init', APP_DIR, '--sluice', PROJECT_ROOT]);
  // The app sits inside the repository, so its other dependencies (aws-cdk-lib, zod, …) resolve from the
  // repository's node_modules; sluice itself is this checkout, through the link npm would make for `file:`.
  mkdirSync(join(APP_DIR, 'node_modules'), { recursive: true });
  symlinkSync(PROJECT_ROOT, join(APP_DIR, 'node_modules/sluice'), 'dir');
  const cdkJson = JSON.parse(readFileSync(join(APP_DIR, 'cdk.json'), 'utf8')) as { context: Record<string, string> };
  return cdkJson.context['sluice:stack']!;
}

function runJest(args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(PROJECT_ROOT, 'node_modules/jest/bin/jest.js'), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'inherit' },
    );
    runningChildren.add(child);
    child.once('exit', (code) => {
      runningChildren.delete(child);
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  step('Python tools (MiniStack, cfn-lint) in .sluice/python');
  const tools = ensurePythonTools(console.log);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });

  step(`${MINISTACK} on 127.0.0.1`);
  const ministack = await startMiniStack(tools.ministack);
  console.log(`${MINISTACK} at ${ministack.endpoint} (pid ${ministack.pid}, log ${ministack.logFile})`);
  const env = emulatorEnvironment(ministack.endpoint);
  // Ctrl-C (or CI's timeout) still stops MiniStack and its workers: they run in a process group of their own.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of runningChildren) child.kill('SIGTERM');
      void ministack.stop().finally(() => process.exit(130));
    });
  }
  let failed = 0;
  try {
    step('cdk synth: the sample (Sluice), a `sluice init` app and the conformance stack');
    const appStack = await scaffoldInitApp();
    await Promise.all([
      synthesize(PROJECT_ROOT, SAMPLE_OUT),
      synthesize(APP_DIR, APP_OUT, { app: 'node --conditions=sluice-source --import tsx bin/app.ts' }),
      synthesize(PROJECT_ROOT, CONFORMANCE_OUT, { app: 'node --import tsx test/localstack/conformance-app.ts' }),
    ]);

    step('cfn-lint on the three templates');
    const lint = await lintTemplates(tools.cfnLint, [
      join(SAMPLE_OUT, 'Sluice.template.json'),
      join(APP_OUT, `${appStack}.template.json`),
      join(CONFORMANCE_OUT, `${CONFORMANCE_STACK}.template.json`),
    ]);
    console.log(lint.summary);
    if (lint.errors.length > 0) throw new Error(`cfn-lint found errors:\n${lint.errors.map((f) => f.text).join('\n')}`);

    step('cdklocal bootstrap');
    await bootstrap(env);

    const state: LocalStackState = { endpoint: ministack.endpoint, emulator: MINISTACK, stacks: {} };
    for (const [stack, assembly] of [
      ['Sluice', SAMPLE_OUT],
      [appStack, APP_OUT],
      [CONFORMANCE_STACK, CONFORMANCE_OUT],
    ] as const) {
      const removed = removeUnsupportedResources(assembly, stack, MINISTACK_UNSUPPORTED);
      for (const r of removed) console.log(`left out of ${stack}: ${r.logicalId} (${r.type}): ${r.reason}`);
      step(`cdklocal deploy ${stack}`);
      const output = await deploy(env, assembly, stack);
      console.log(output.split('\n').filter((line) => /✅|Outputs:|^\S+\.\S+ = /.test(line)).join('\n'));
      state.stacks[stack] = { assembly, removed };
    }
    const stateFile = join(WORK, 'state.json');
    writeFileSync(stateFile, JSON.stringify(state, undefined, 2));

    step('jest: the deployed stacks (project localstack)');
    failed += (await runJest(['--selectProjects', 'localstack', '--runInBand', ...(only ? [only] : [])], { ...env, [LOCALSTACK_STATE_ENV]: stateFile })) === 0 ? 0 : 1;

    // The stacks go before the external suite, which needs none of them: MiniStack retries a failing Kinesis
    // batch without end (the conformance stack's bisect stream), spawning a Lambda worker every few seconds,
    // and that load starved the suite's own SQS pollers on a 2-core machine (a drain saw no progress for 20 s).
    if (!keep) {
      step('cdklocal destroy');
      for (const [stack, { assembly }] of Object.entries(state.stacks)) await destroy(env, assembly, stack);
    }

    if (!only) {
      step(`jest: the integration suite with SLUICE_TEST_TARGET=external (${full ? 'every file' : `subset: ${EXTERNAL_SUBSET.join(', ')}`})`);
      const externalEnv = {
        ...env,
        SLUICE_TEST_TARGET: 'external',
        AWS_ENDPOINT_URL_SQS: ministack.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: ministack.endpoint,
        AWS_ENDPOINT_URL_KINESIS: ministack.endpoint,
        [LOCALSTACK_STATE_ENV]: stateFile,
      };
      failed += (await runJest(['--selectProjects', 'integration', '--runInBand', ...(full ? [] : EXTERNAL_SUBSET)], externalEnv)) === 0 ? 0 : 1;
    }

  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    failed += 1;
  } finally {
    if (keep) {
      console.log(`\nMiniStack left running at ${ministack.endpoint} (pid ${ministack.pid}): kill -- -${ministack.pid}`);
    } else {
      step('stopping MiniStack and its Lambda workers');
      await ministack.stop();
      if (existsSync(`/proc/${ministack.pid}`)) {
        console.error(`MiniStack (pid ${ministack.pid}) is still running`);
        failed += 1;
      }
    }
  }
  step(failed === 0 ? 'test:localstack passed' : 'test:localstack FAILED');
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
