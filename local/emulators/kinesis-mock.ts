import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { freePort } from './free-port.ts';
import { awaitJsonListener } from './readiness.ts';
import { spawnManaged } from './child-process.ts';
import type { EmulatorListenOptions, RunningEmulator } from './emulator.ts';
import { LOOPBACK_HOST, endpointUrl } from './listen-host.ts';
import { listenHostPreload } from './listen-host-preload.ts';

const require = createRequire(import.meta.url);

/**
 * Starts kinesis-mock (`kinesis-local`, a Scala.js build run by Node) on a free plain-HTTP port.
 * It must run with its package folder as cwd (it reads `server.json` from there); streams become
 * ACTIVE at once (`CREATE_STREAM_DURATION=0ms`). Clients must use HTTP/1.1 (`NodeHttpHandler`).
 * kinesis-mock has no bind-address setting (it listens on every interface, plain and TLS port alike), so
 * a preload makes its Node process listen on `host` (default loopback).
 *
 * @example
 * const kinesis = await startKinesisMock();
 * await kinesis.stop();
 */
export async function startKinesisMock(options: EmulatorListenOptions = {}): Promise<RunningEmulator> {
  const listenHost = options.host ?? LOOPBACK_HOST;
  const port = options.port ?? (await freePort());
  const tlsPort = await freePort();
  const cwd = dirname(require.resolve('kinesis-local/package.json'));
  const managed = spawnManaged(process.execPath, [...listenHostPreload(listenHost), 'main.js'], {
    cwd,
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      CREATE_STREAM_DURATION: '0ms',
      DELETE_STREAM_DURATION: '0ms',
      UPDATE_STREAM_DURATION: '0ms',
      REGISTER_STREAM_CONSUMER_DURATION: '0ms',
      SHARD_LIMIT: '1000',
      LOG_LEVEL: 'ERROR',
      ROOT_LOG_LEVEL: 'ERROR',
    },
  });
  const endpoint = endpointUrl(listenHost, port);
  await awaitJsonListener(managed, {
    name: 'kinesis-mock',
    endpoint,
    target: 'Kinesis_20131202.ListStreams',
    jsonVersion: '1.1',
    signingName: 'kinesis',
    // A few seconds on an idle machine; generous, so a busy one starts it too.
    timeoutMs: 120_000,
  });
  return { name: 'kinesis', endpoint, port, listenHost, stop: managed.stop };
}
