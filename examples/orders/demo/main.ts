import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './run-demo.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/**
 * `npm start`: the Orders sample run locally from its synthesized template, with progress and a
 * summary; exits 1 when any message, event or record is unaccounted for, 2 on a bad argument.
 *
 * @example
 * npm start -- --orders 500 --skip-batch
 */
const program = new Command('orders-demo')
  .description('run the Orders sample workload through the local pipelines with progress, then print a summary')
  .option('--orders <n>', 'unique order jobs for the queue stage', positiveInt, 2000)
  .option('--seed <n>', 'seed of the generated workload (same seed, same workload)', positiveInt, 1)
  .option('--events <n>', 'events put on the order stream in the stream stage', positiveInt, 5000)
  .option('--skip-stream', 'skip the stream stage')
  .option('--records <n>', 'generated records of the batch stage', positiveInt, 100_000)
  .option('--skip-batch', 'skip the batch stage')
  .exitOverride((err) => process.exit(err.exitCode === 1 && err.code !== 'commander.help' && err.code !== 'commander.version' ? 2 : err.exitCode))
  .action(async (opts: { orders: number; seed: number; events: number; skipStream?: boolean; records: number; skipBatch?: boolean }) => {
    const ok = await runDemo(opts);
    process.exitCode = ok ? 0 : 1;
  });

await program.parseAsync(process.argv);
