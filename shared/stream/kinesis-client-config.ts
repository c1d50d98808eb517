import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientConfig } from '../aws-clients.ts';

/**
 * {@link clientConfig} for a Kinesis client. On AWS it is the same (the Kinesis client picks its own
 * HTTP/2 handler). When the Kinesis endpoint is an emulator (`AWS_ENDPOINT_URL_KINESIS` or
 * `AWS_ENDPOINT_URL` set to a host that is not `*.amazonaws.com`), it pins an HTTP/1.1 keep-alive
 * handler: kinesis-mock refuses HTTP/2. Only code that builds Kinesis clients (producers, the local
 * runtime) imports this module, so no other handler bundles `@smithy/node-http-handler`.
 *
 * @example
 * const kinesis = new KinesisClient(kinesisClientConfig());
 * await new StreamProducer({ client: kinesis, streamName: 'orders' }).sendBatch(records);
 */
export function kinesisClientConfig(options: { env?: NodeJS.ProcessEnv } = {}) {
  const env = options.env ?? process.env;
  const config = clientConfig({ env });
  if (!isEmulatorEndpoint(env.AWS_ENDPOINT_URL_KINESIS ?? env.AWS_ENDPOINT_URL)) return config;
  return { ...config, requestHandler: new NodeHttpHandler(config.requestHandler) };
}

function isEmulatorEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return !host.endsWith('.amazonaws.com') && !host.endsWith('.amazonaws.com.cn');
  } catch {
    return false;
  }
}
