import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import type { EmulatorListenOptions, RunningEmulator } from './emulator.ts';
import { acceptSqsUnicode } from './fauxqs-unicode.ts';
import { LOOPBACK_HOST, endpointUrl } from './listen-host.ts';

/**
 * Starts fauxqs (SQS and S3 over the real AWS wire protocols) in this process on a free port, listening
 * on loopback. fauxqs's own `startFauxqs` always listens on 0.0.0.0 (its `host` option only names the
 * host in queue URLs), so we build its app and listen ourselves. It accepts every character SQS accepts
 * (see fauxqs-unicode.ts).
 *
 * @example
 * const sqs = await startFauxqs();
 * // new SQSClient({ endpoint: sqs.endpoint })
 * await sqs.stop();
 */
export async function startFauxqs(options: EmulatorListenOptions = {}): Promise<RunningEmulator> {
  const listenHost = options.host ?? LOOPBACK_HOST;
  await acceptSqsUnicode();
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port ?? 0, host: listenHost });
  const { port } = app.server.address() as AddressInfo;
  return { name: 'sqs+s3', endpoint: endpointUrl(listenHost, port), port, listenHost, stop: () => app.close() };
}
