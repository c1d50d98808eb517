import { SingleBar, Presets } from 'cli-progress';

/**
 * A progress bar on stderr (stdout stays clean for summaries and piping); in a non-TTY (CI) it falls
 * back to a line every few seconds so logs show progress without control characters.
 *
 * @example
 * const bar = createProgress('queue'); bar.start(100); bar.update(50, 'processing'); bar.stop();
 */
export function createProgress(label: string) {
  const tty = Boolean(process.stderr.isTTY);
  const bar = new SingleBar(
    { format: `${label.padEnd(6)} [{bar}] {percentage}% | {value}/{total} | {note}`, hideCursor: true, noTTYOutput: !tty, notTTYSchedule: 3000, stream: process.stderr },
    Presets.shades_classic,
  );
  return {
    start: (total: number) => bar.start(total, 0, { note: 'starting' }),
    update: (done: number, note: string) => bar.update(done, { note }),
    stop: () => bar.stop(),
  };
}
