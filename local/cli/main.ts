import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './demo.ts';

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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((err) => process.exit(err.exitCode === 1 && err.code !== 'commander.help' ? 2 : err.exitCode));

  program
    .command('demo')
    .description('run the sample workload through the local pipelines with progress, then print a summary (what `npm start` runs)')
    .option('--orders <n>', 'unique order jobs for the queue stage', positiveInt, 2000)
    .option('--seed <n>', 'seed of the generated workload (same seed, same workload)', positiveInt, 1)
    .action(async (opts: { orders: number; seed: number }) => {
      const ok = await runDemo(opts);
      process.exitCode = ok ? 0 : 1;
    });
  return program;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  await buildCli().parseAsync(process.argv);
}
