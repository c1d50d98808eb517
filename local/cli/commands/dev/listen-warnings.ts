import { isLoopbackHost } from '../../../emulators/listen-host.ts';

/**
 * The warnings `sluice dev` prints when something listens beyond this machine: the emulators on the
 * `--host` address, and any emulator that could not be kept on the address asked for.
 *
 * @example
 * listenWarnings('0.0.0.0', []);
 * // ['WARNING: the emulators listen on 0.0.0.0 without authentication: …']
 */
export function listenWarnings(listenHost: string, exposures: readonly string[]): string[] {
  const warnings = exposures.map((exposure) => `WARNING: ${exposure}`);
  if (!isLoopbackHost(listenHost)) {
    warnings.unshift(
      `WARNING: the emulators listen on ${listenHost} (--host) without authentication: anyone who reaches this address ` +
        'can read and write your queues, tables, streams and buckets.',
    );
  }
  return warnings;
}
