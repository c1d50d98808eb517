import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATE_FILE_ENV, type DevState } from '../../local/cli/targets/dev-state.ts';
import { until } from '../../local/runtime/until.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'local/cli/bin.js');

/** What a finished `sluice` process left. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node local/cli/bin.js …args` as a user would, and resolves with its exit code and output.
 *
 * `env` adds variables (e.g. `NODE_OPTIONS` to bound the heap).
 *
 * @example
 * const { code, stdout } = await runCli(['status', '--json'], { stateFile });
 */
export function runCli(args: readonly string[], options: { stateFile?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      // A command takes about half a second on an idle machine; the default limit only stops a hung one.
      {
        cwd: root,
        env: { ...process.env, ...(options.stateFile ? { [STATE_FILE_ENV]: options.stateFile } : {}), ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/**
 * Spawns a long-running `sluice` command (e.g. `dlq replay` to interrupt), collecting its output.
 *
 * @example
 * const replay = spawnCli(['dlq', 'replay', 'Orders', '--rate', '10'], { stateFile });
 * replay.child.kill('SIGINT'); const { code } = await replay.exited;
 */
export function spawnCli(args: readonly string[], options: { stateFile?: string } = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, ...(options.stateFile ? { [STATE_FILE_ENV]: options.stateFile } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) => child.once('exit', (code) => resolve({ code, ...output })));
  return { child, output, exited };
}

/**
 * How long `sluice dev` may take to print its banner: about 8 s on an idle 2-core machine (synth, three
 * emulators, the runtime). Test files that start it in `beforeAll` need a hook timeout above this.
 */
export const DEV_START_TIMEOUT_MS = 180_000;

/** A `sluice dev` started for a test file. */
export interface DevProcess {
  readonly child: ChildProcess;
  readonly stateFile: string;
  readonly state: DevState;
  readonly output: { stdout: string; stderr: string };
  /** Sends SIGINT and resolves with the exit code and output (idempotent). */
  stop(): Promise<CliResult>;
}

/**
 * Starts `sluice dev` with its own emulators and a state file in a temp directory, and resolves once
 * it has printed its endpoints (the runtime is ready and the state file written).
 *
 * @example
 * const dev = await startDev(['--no-pollers']);
 * try { await runCli(['status'], { stateFile: dev.stateFile }); } finally { await dev.stop(); }
 */
export async function startDev(args: readonly string[] = [], timeoutMs = DEV_START_TIMEOUT_MS): Promise<DevProcess> {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'dev.json');
  const { child, output, exited } = spawnCli(['dev', '--status-interval', '250', ...args], { stateFile });
  try {
    await until(
      () => {
        if (child.exitCode !== null) throw new Error(`sluice dev exited with ${child.exitCode}: ${output.stderr}`);
        // The last line of the banner: endpoints and outputs are printed by then.
        return output.stdout.includes('Ctrl-C stops the runtime and every emulator.');
      },
      { what: () => `sluice dev to become ready: ${output.stderr}`, stallMs: timeoutMs },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as DevState;
  let stopping: Promise<CliResult> | undefined;
  return {
    child,
    stateFile,
    state,
    output,
    stop: () => {
      if (!stopping) {
        if (child.exitCode === null) child.kill('SIGINT');
        stopping = exited;
      }
      return stopping;
    },
  };
}

/**
 * Every process below `pid` (children, their children, …), read from /proc: detached emulator process
 * groups included.
 *
 * @example
 * const before = descendantPids(dev.child.pid!);
 */
export function descendantPids(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces, hence the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we read.
    }
  }
  const found: number[] = [];
  const visit = (p: number) => (parents.get(p) ?? []).forEach((c) => (found.push(c), visit(c)));
  visit(pid);
  return found;
}

/** Whether a process is still running (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The command line of a process (arguments joined by spaces), or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
