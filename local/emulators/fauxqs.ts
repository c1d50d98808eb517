import { startFauxqs as startFauxqsServer } from 'fauxqs';
import type { RunningEmulator } from './emulator.ts';
import { acceptSqsUnicode } from './fauxqs-unicode.ts';

/**
 * Starts fauxqs (SQS and S3 over the real AWS wire protocols) in this process on a free port, accepting
 * every character SQS accepts (see fauxqs-unicode.ts).
 *
 * @example
 * const sqs = await startFauxqs();
 * // new SQSClient({ endpoint: sqs.endpoint })
 * await sqs.stop();
 */
export async function startFauxqs(options: { port?: number } = {}): Promise<RunningEmulator> {
  await acceptSqsUnicode();
  const server = await startFauxqsServer({ port: options.port ?? 0, logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  return { name: 'sqs+s3', endpoint, port: server.port, stop: () => server.stop() };
}
