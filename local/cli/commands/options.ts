import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { STATE_FILE_DEFAULT_HELP } from '../targets/dev-state.ts';
import { DEFAULT_STACK_NAME, TARGET_NAMES, type TargetName, type TargetOptions } from '../targets/target.ts';

/** Options every target-aware command accepts. */
export interface TargetCliOptions {
  target: TargetName;
  stack: string;
  stateFile?: string;
}

/**
 * Adds `--target`, `--stack` and `--state-file` to a command.
 *
 * @example
 * withTargetOptions(new Command('status')).action(async (opts: TargetCliOptions) => { … });
 */
export function withTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--target <target>', 'where to act: a running `sluice dev`, LocalStack, or AWS').choices(TARGET_NAMES).default('local'))
    .option('--stack <name>', 'CloudFormation stack whose outputs name the resources (localstack, aws; default: cdk.json\'s "sluice:stack" context)', defaultStackName())
    .option('--state-file <path>', `state file of the running \`sluice dev\` (local; default ${STATE_FILE_DEFAULT_HELP})`);
}

/**
 * The `sluice:stack` context of the app's `cdk.json` in `cwd` (`sluice init` writes it), if any.
 *
 * @example
 * configuredStackName(); // 'InvoicesApp'
 */
export function configuredStackName(cwd: string = process.cwd()): string | undefined {
  const file = `${cwd}/cdk.json`;
  if (!existsSync(file)) return undefined;
  try {
    const stack = (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context?.['sluice:stack'];
    return typeof stack === 'string' && stack !== '' ? stack : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The stack a command acts on when `--stack` is not given: {@link configuredStackName}, else the sample's `Sluice`.
 *
 * @example
 * defaultStackName(); // 'Sluice'
 */
export function defaultStackName(cwd: string = process.cwd()): string {
  return configuredStackName(cwd) ?? DEFAULT_STACK_NAME;
}

/**
 * The target part of a command's parsed options.
 *
 * @example
 * const target = await resolveTarget(targetOptions(opts));
 */
export function targetOptions(opts: TargetCliOptions): TargetOptions {
  return { target: opts.target, stack: opts.stack, ...(opts.stateFile ? { stateFile: opts.stateFile } : {}) };
}

/**
 * Commander argument parser for an integer in `[min, max]`, written in plain decimal digits (`1e3`,
 * `0x10` or `1.0` are refused: a typo should not become a number).
 *
 * @example
 * cmd.option('--count <n>', 'messages to send', integerIn(1, 1_000_000));
 */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

/**
 * Commander argument parser for a rate: `N` or `N/s`, N > 0 (messages per second).
 *
 * @example
 * parseRate('5/s'); // 5
 */
export function parseRate(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n > 0)) throw new InvalidArgumentError(`expected messages per second like 10 or 10/s, got "${value}"`);
  return n;
}

/**
 * Commander argument parser for a text that may not be empty (e.g. a key template: its length after
 * placeholders are filled is checked per message).
 *
 * @example
 * cmd.option('--dedup-key <K>', 'idempotency key', nonEmptyText);
 */
export function nonEmptyText(value: string): string {
  if (value === '') throw new InvalidArgumentError('expected a non-empty text');
  return value;
}
