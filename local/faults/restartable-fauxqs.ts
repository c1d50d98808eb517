import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFauxqs } from 'fauxqs';
import { acceptSqsUnicode } from '../emulators/fauxqs-unicode.ts';
import { freePort } from '../emulators/free-port.ts';

export interface RestartableFauxqs {
  readonly endpoint: string;
  /** Stops the server, stays down for `downMs`, then starts it again on the same port from its data directory. */
  restart(downMs: number): Promise<void>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * fauxqs (SQS + S3) with SQLite persistence (`dataDir`), so it can be restarted mid-run and come back
 * with its queues, in-flight messages and receive counts, as SQS does after a hiccup. Every restart
 * uses the same port, so clients reconnect without being told.
 *
 * @example
 * const sqs = await startRestartableFauxqs();
 * await sqs.restart(1_000);
 * await sqs.stop();
 */
export async function startRestartableFauxqs(): Promise<RestartableFauxqs> {
  await acceptSqsUnicode();
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-fauxqs-'));
  const port = await freePort();
  const start = () => startFauxqs({ port, logger: false, dataDir });
  let server = await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async restart(downMs) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start();
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
