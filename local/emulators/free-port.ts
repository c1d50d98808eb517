import { createServer } from 'node:net';
import { until } from '../runtime/until.ts';

/**
 * Asks the OS for a free TCP port on loopback.
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` until it resolves true, or gives up after `timeoutMs` of real time (not the virtual clock).
 * Emulators in child processes print nothing reliable when ready, so we ask them over the wire.
 */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await until(() => probe().catch(() => false), { what: `${what} to become ready`, stallMs: timeoutMs });
}
