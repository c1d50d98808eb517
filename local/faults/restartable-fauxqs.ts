import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnManaged, type ManagedChild } from '../emulators/child-process.ts';
import { freePort } from '../emulators/free-port.ts';
import { LOOPBACK_HOST, endpointUrl } from '../emulators/listen-host.ts';
import { listenHostPreload } from '../emulators/listen-host-preload.ts';

export interface RestartableFauxqs {
  readonly endpoint: string;
  /** Stops the server, stays down for `downMs`, then starts it again on the same port from its data directory. */
  restart(downMs: number): Promise<void>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * fauxqs-unicode.ts beside this file (fauxqs-unicode.js once compiled): the child patches its own fauxqs.
 */
const FAUXQS_UNICODE_URL = new URL(`../emulators/fauxqs-unicode${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/**
 * The server process: fauxqs's `startFauxqs` (the only way to its SQLite persistence), which listens on
 * 0.0.0.0 by itself, so it runs in a child process whose listens the preload keeps on loopback. It
 * accepts every character SQS accepts (see fauxqs-unicode.ts).
 */
function serverScript(port: number, dataDir: string): string {
  return `const { acceptSqsUnicode } = await import(${JSON.stringify(FAUXQS_UNICODE_URL)});
await acceptSqsUnicode();
const { startFauxqs } = await import('fauxqs');
const server = await startFauxqs({ port: ${port}, logger: false, dataDir: ${JSON.stringify(dataDir)} });
process.stdout.write('ready\\n');
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);`;
}

async function startServer(port: number, dataDir: string): Promise<ManagedChild> {
  // cwd: this package, so `import('fauxqs')` resolves from its node_modules.
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const managed = spawnManaged(process.execPath, [...listenHostPreload(LOOPBACK_HOST), '--input-type=module', '-e', serverScript(port, dataDir)], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: managed.child.stdout! });
    lines.once('line', () => resolve());
    managed.child.once('exit', (code) => reject(new Error(`fauxqs exited with code ${code} before it was ready`)));
  });
  return managed;
}

/**
 * fauxqs (SQS + S3) with SQLite persistence (`dataDir`), so it can be restarted mid-run and come back
 * with its queues, in-flight messages and receive counts, as SQS does after a hiccup. Every restart
 * uses the same port, so clients reconnect without being told. It listens on loopback only.
 *
 * @example
 * const sqs = await startRestartableFauxqs();
 * await sqs.restart(1_000);
 * await sqs.stop();
 */
export async function startRestartableFauxqs(): Promise<RestartableFauxqs> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-fauxqs-'));
  const port = await freePort();
  let server = await startServer(port, dataDir);
  return {
    endpoint: endpointUrl(LOOPBACK_HOST, port),
    async restart(downMs) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startServer(port, dataDir);
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
