import { startEmulators } from './index.ts';

/**
 * Runs the emulators as a standalone process: prints one JSON line `{"endpoints": {...}}` when ready
 * and stops them on SIGINT/SIGTERM or when its stdin closes (so it never outlives its parent).
 * Used by the test global setup. They listen on loopback only; an emulator that cannot is named on stderr.
 */
const emulators = await startEmulators({ kinesis: process.env.SLUICE_KINESIS !== 'off' });
for (const exposure of emulators.exposures) process.stderr.write(`warning: ${exposure}\n`);
process.stdout.write(`${JSON.stringify({ endpoints: emulators.endpoints })}\n`);

let stopping = false;
// Signal and stream listeners ignore what they return, so a failed stop is reported here: without the catch it
// would be an unhandled rejection, and the parent would see a stack trace instead of the emulator that failed.
const stop = () => {
  if (stopping) return;
  stopping = true;
  emulators.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`error: stopping the emulators failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
