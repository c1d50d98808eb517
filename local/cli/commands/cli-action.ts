import type { Command } from 'commander';
import { UsageError } from './usage-error.ts';

/**
 * The full name of a command, as a user types it.
 *
 * @example
 * commandPath(replayCommand); // 'sluice dlq replay'
 */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Wraps a command's action so a failure ends as one message on stderr and an exit code, not a stack
 * trace: UsageError → 2 (bad arguments, as commander's own errors), anything else → 1.
 *
 * @example
 * new Command('status').action(cliAction(async (opts) => { … }));
 */
export function cliAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    try {
      await action(...args);
    } catch (err) {
      const usage = err instanceof UsageError;
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`${commandPath(command)}: ${usage ? '' : 'error: '}${message}\n`);
      process.exitCode = usage ? 2 : 1;
    }
  };
}

/**
 * Makes every command of the tree report parse errors as one line — what is wrong, then the usage that
 * is expected — and exit 2 (commander exits 1), while `--help` keeps exit 0.
 *
 * @example
 * applyErrorConventions(program);
 */
export function applyErrorConventions(command: Command): void {
  command.configureOutput({
    outputError: (text, write) => write(`${commandPath(command)}: ${text.replace(/^error: /, '').trimEnd()} (usage: ${commandPath(command)} ${command.usage()})\n`),
  });
  command.exitOverride((err) => process.exit(err.exitCode === 1 && err.code !== 'commander.help' && err.code !== 'commander.version' ? 2 : err.exitCode));
  for (const sub of command.commands) applyErrorConventions(sub);
}
