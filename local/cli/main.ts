import { Command, InvalidArgumentError } from 'commander';
import { batchCommand } from './commands/batch.ts';
import { applyErrorConventions } from './commands/cli-action.ts';
import { devCommand } from './commands/dev.ts';
import { dlqCommand } from './commands/dlq.ts';
import { sendCommand } from './commands/send.ts';
import { statusCommand } from './commands/status.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/**
 * The `sluice` command line. Each command lives in its own module; this file only declares them.
 *
 * @example
 * await buildCli().parseAsync(['node', 'sluice', 'demo', '--orders', '500']);
 */
export function buildCli(): Command {
  const program = new Command('sluice')
    .description('Message-queue batch and stream processing on AWS, runnable locally from the synthesized CDK template')
    .exitOverride((err) => process.exit(err.exitCode === 1 && err.code !== 'commander.help' ? 2 : err.exitCode));

  program
    .command('demo')
    .description('run the sample workload through the local pipelines with progress, then print a summary (what `npm start` runs)')
    .option('--orders <n>', 'unique order jobs for the queue stage', positiveInt, 2000)
    .option('--seed <n>', 'seed of the generated workload (same seed, same workload)', positiveInt, 1)
    .option('--events <n>', 'events put on the order stream in the stream stage', positiveInt, 5000)
    .option('--skip-stream', 'skip the stream stage')
    .option('--records <n>', 'generated records of the batch stage', positiveInt, 100_000)
    .option('--skip-batch', 'skip the batch stage')
    .action(async (opts: { orders: number; seed: number; events: number; skipStream?: boolean; records: number; skipBatch?: boolean }) => {
      // Loaded on use, so the other commands start without the runtime and CDK.
      const { runDemo } = await import('./demo.ts');
      const ok = await runDemo(opts);
      process.exitCode = ok ? 0 : 1;
    });
  program.addCommand(devCommand());
  program.addCommand(sendCommand());
  program.addCommand(batchCommand());
  program.addCommand(dlqCommand());
  program.addCommand(statusCommand());
  // One-line parse errors naming the expected usage, exit 2, on every command (demo included).
  applyErrorConventions(program);
  return program;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  await buildCli().parseAsync(process.argv);
}
