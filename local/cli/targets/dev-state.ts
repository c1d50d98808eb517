import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EmulatorEndpoints } from '../../emulators/index.ts';

/** What a running `sluice dev` publishes so other `sluice` commands (and scripts) can reach it. */
export interface DevState {
  /** Process id of the `sluice dev` that wrote the file. */
  readonly pid: number;
  /** ISO time it became ready. */
  readonly startedAt: string;
  readonly region: string;
  readonly endpoints: EmulatorEndpoints;
  /** The stack's outputs resolved to the local resources (same names as a deployed stack's). */
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * The environment variable that moves the state file (the `--state-file` option wins over it): the one place
 * its name is written.
 *
 * @example
 * spawn('sluice', ['status'], { env: { ...process.env, [STATE_FILE_ENV]: '/tmp/dev.json' } });
 */
export const STATE_FILE_ENV = 'SLUICE_STATE_FILE';

/**
 * Default location, relative to the working directory; {@link STATE_FILE_ENV} overrides it.
 *
 * @example
 * existsSync(DEFAULT_STATE_FILE); // a `sluice dev` runs in this folder (or left its file behind)
 */
export const DEFAULT_STATE_FILE = '.sluice/dev.json';

/**
 * Where the state file is when no option says, as the CLI's help shows it.
 *
 * @example
 * new Command('status').option('--state-file <path>', `state file (default ${STATE_FILE_DEFAULT_HELP})`);
 */
export const STATE_FILE_DEFAULT_HELP = `$${STATE_FILE_ENV} or ${DEFAULT_STATE_FILE}`;

/**
 * The state file path: the explicit option, else {@link STATE_FILE_ENV}, else {@link DEFAULT_STATE_FILE}.
 *
 * @example
 * const file = stateFilePath(opts.stateFile); // '/home/me/project/.sluice/dev.json'
 */
export function stateFilePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit ?? env[STATE_FILE_ENV] ?? DEFAULT_STATE_FILE);
}

/**
 * Writes the state atomically (temp file + rename), so a reader never sees half a file.
 *
 * @example
 * writeDevState(stateFilePath(), { pid: process.pid, startedAt, region, endpoints, outputs });
 */
export function writeDevState(file: string, state: DevState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

/**
 * Removes the state file if it still belongs to `pid` (a newer `sluice dev` may have replaced it).
 *
 * @example
 * removeDevState(stateFilePath(), process.pid);
 */
export function removeDevState(file: string, pid: number): void {
  const state = tryRead(file);
  if (state?.pid === pid) rmSync(file, { force: true });
}

/**
 * Reads the state of a running `sluice dev`.
 *
 * @throws Error saying how to start one when the file is missing, unreadable or names a dead process.
 * @example
 * const { endpoints, outputs } = readDevState(stateFilePath());
 */
export function readDevState(file: string, isAlive: (pid: number) => boolean = processIsAlive): DevState {
  const state = tryRead(file);
  if (!state) throw new Error(`no running \`sluice dev\` found (no readable ${file}): start one with \`sluice dev\`, or pick --target localstack|aws`);
  if (!isAlive(state.pid)) {
    throw new Error(`${file} names \`sluice dev\` process ${state.pid}, which is not running: start \`sluice dev\` again`);
  }
  return state;
}

function tryRead(file: string): DevState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevState>;
    if (typeof parsed.pid !== 'number' || !parsed.endpoints?.sqs || typeof parsed.outputs !== 'object') return undefined;
    return parsed as DevState;
  } catch {
    return undefined;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
