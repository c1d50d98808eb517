import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { LocalRuntime } from '../../runtime/local-runtime.ts';
import { stackQueues } from '../targets/stack-resources.ts';
import { readDevState, removeDevState, STATE_FILE_DEFAULT_HELP, stateFilePath, writeDevState, type DevState } from '../targets/dev-state.ts';
import { cliAction } from './cli-action.ts';
import { describeMappings, handledSoFar } from '../../runtime/consumer-counts.ts';
import { endpointsBanner } from './dev/endpoints-banner.ts';
import type { RunningConsole } from '../../console/console-server.ts';
import { DEFAULT_CONSOLE_PORT, startDevConsole } from './dev/dev-console.ts';
import { listenWarnings } from './dev/listen-warnings.ts';
import { statusLine } from './dev/status-line.ts';
import { LOOPBACK_HOST, parseListenHost } from '../../emulators/listen-host.ts';
import { configuredStackName, integerIn } from './options.ts';
import { queueStatus } from './status/queue-status.ts';
import { UsageError } from './usage-error.ts';
import type { AppSource } from '../../template/load-template.ts';

interface DevCliOptions {
  stateFile?: string;
  app?: string;
  template?: string;
  stack?: string;
  pollers: boolean;
  statusInterval: number;
  host?: string;
  console: boolean;
  consolePort?: number;
}

/**
 * What `sluice dev` runs: a synthesized template (`--template`), a cloud assembly (`--app cdk.out`),
 * or the CDK app of the working directory (its `cdk.json`), synthesized as `cdk synth` would.
 *
 * @example
 * appSource({ app: 'cdk.out', stack: 'MyStack' }); // { assembly: '/home/me/app/cdk.out', stack: 'MyStack' }
 */
export function appSource(opts: Pick<DevCliOptions, 'app' | 'template' | 'stack'>, cwd: string = process.cwd()): AppSource {
  if (opts.template && opts.app) throw new UsageError('give --template or --app, not both');
  if (opts.template) return { templateFile: resolve(cwd, opts.template) };
  const stack = opts.stack ?? configuredStackName(cwd);
  if (opts.app) return { assembly: resolve(cwd, opts.app), ...(stack ? { stack } : {}) };
  return { projectDir: cwd, ...(stack ? { stack } : {}) };
}

/** `--host`: an IP address, refused as a bad argument otherwise. */
function hostOption(value: string): string {
  try {
    return parseListenHost(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** The live `sluice dev` that owns the state file, if any. */
function runningDev(file: string): DevState | undefined {
  try {
    return readDevState(file);
  } catch {
    return undefined;
  }
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once (the emulator groups are still killed on exit). */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * `sluice dev`: starts the emulators and the local runtime from the synthesized template, publishes
 * the endpoints and resolved outputs in a state file for the other commands, prints a live status
 * line and a console page on 127.0.0.1, and on Ctrl-C stops the pollers, every emulator and child process, and removes the state file.
 *
 * @example
 * sluice dev                      # then, in another terminal: sluice send Orders --count 10 --template …
 * sluice dev --no-pollers         # resources only: messages stay where you put them
 * sluice dev --console-port 8080  # the console on http://127.0.0.1:8080/
 */
export function devCommand(): Command {
  return new Command('dev')
    .description('run the whole stack locally from the synthesized template until Ctrl-C, with endpoints for the AWS CLI/SDKs and a live status line')
    .option('--state-file <path>', `where to publish endpoints and outputs for other sluice commands (default ${STATE_FILE_DEFAULT_HELP})`)
    .option('--app <cdk.out>', 'run a cloud assembly already synthesized (default: synthesize the CDK app of this folder, as `cdk synth` does)')
    .option('--template <file>', 'run one synthesized template (e.g. cdk.out/MyStack.template.json)')
    .option('--template-file <file>', 'same as --template')
    .option('--stack <name>', 'the stack to run when the app has several (default: cdk.json\'s "sluice:stack" context, or the only stack)')
    .option('--no-pollers', 'create the resources but run no consumers (messages stay in the queues)')
    .option('--status-interval <ms>', 'how often the status line refreshes', (v) => Math.max(100, Number(v) || 1000), 1000)
    .option('--console-port <port>', `serve the console on this port of 127.0.0.1 (default ${DEFAULT_CONSOLE_PORT}, or a free one when it is taken)`, integerIn(1, 65_535))
    .option('--no-console', 'serve no console')
    .option('--host <address>', 'listen on this address instead of 127.0.0.1 (e.g. 0.0.0.0 for a container network): the emulators have NO authentication', hostOption)
    .action(
      cliAction(async (opts: DevCliOptions & { templateFile?: string }) => {
        const file = stateFilePath(opts.stateFile);
        const running = runningDev(file);
        if (running) throw new UsageError(`a \`sluice dev\` (pid ${running.pid}) already runs with ${file}: stop it, or give this one another --state-file`);
        const stopRequested = firstSignal();
        const started = Date.now();
        process.stderr.write('starting emulators (fauxqs, DynamoDB Local, kinesis-mock) and the local runtime from the synthesized template…\n');
        // Loaded here so the other commands start without CDK and the runtime.
        const source = appSource({ ...opts, template: opts.template ?? opts.templateFile });
        const { LocalRuntime } = await import('../../runtime/local-runtime.ts');
        const runtime = await LocalRuntime.start({
          app: source,
          pollers: opts.pollers,
          captureFunctionLogs: opts.console,
          ...(opts.host ? { listenHost: opts.host } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const state: DevState = { pid: process.pid, startedAt: new Date().toISOString(), region: runtime.region, endpoints: runtime.endpoints, outputs: runtime.outputs() };
        let timer: NodeJS.Timeout | undefined;
        let devConsole: RunningConsole | undefined;
        try {
          if (opts.console) devConsole = await startDevConsole(runtime, { ...(opts.consolePort ? { port: opts.consolePort } : {}), title: runtime.stackName });
          writeDevState(file, state);
          console.log(
            `sluice dev: ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${runtime.functions.size} functions, ` +
              `${opts.pollers ? `${describeMappings(runtime)} running` : 'no event source mappings running (--no-pollers)'}\n`,
          );
          for (const { logicalId, reason } of runtime.unsupportedFunctions) console.log(`  not run locally: ${logicalId}: ${reason}`);
          for (const { what, count, reason } of runtime.notEmulated) console.log(`  not emulated: ${count} × ${what}: ${reason}`);
          console.log(endpointsBanner(state, file, devConsole));
          for (const warning of listenWarnings(opts.host ?? LOOPBACK_HOST, runtime.exposures)) process.stderr.write(`${warning}\n`);
          timer = startStatusLine(runtime, state, opts.statusInterval);
          const signal = await stopRequested;
          process.stderr.write(`\n${signal}: stopping pollers and emulators…\n`);
        } finally {
          if (timer) clearInterval(timer);
          await devConsole?.stop();
          removeDevState(file, process.pid);
          await runtime.stop();
        }
        console.log('sluice dev: stopped');
        // In-process handlers may hold keep-alive sockets or timers; everything that matters is stopped.
        process.exit(process.exitCode ?? 0);
      }),
    );
}

/** Refreshes the status line: in place on a terminal, and only when it changes elsewhere (logs, tests). */
function startStatusLine(runtime: LocalRuntime, state: DevState, intervalMs: number): NodeJS.Timeout {
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    Promise.all(stackQueues(state.outputs).map((q) => queueStatus(runtime.clients.sqs, q)))
      .then((queues) => {
        const line = `[${new Date().toISOString().slice(11, 19)}] ${statusLine(queues, handledSoFar(runtime))}`;
        const content = line.slice(11);
        if (tty) process.stderr.write(`\r\x1b[2K${line}`);
        else if (content !== last) process.stderr.write(`${line}\n`);
        last = content;
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
}
