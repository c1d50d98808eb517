import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { freePort, waitUntil } from './free-port.ts';
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
  try {
    await waitUntil(
      async () => {
        if (managed.child.exitCode !== null) throw new Error(`kinesis-mock exited with code ${managed.child.exitCode}`);
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams', authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x' },
          body: '{}',
        });
        return res.status > 0; // any answer means the HTTP listener is up
      },
      // A few seconds on an idle machine; generous, so a busy one starts it too.
      120_000,
      'kinesis-mock',
    );
  } catch (err) {
    await managed.stop();
    throw err;
  }
  return { name: 'kinesis', endpoint, port, listenHost, stop: managed.stop };
}
