import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Options shared by every AWS SDK client sluice creates. Endpoints are never set here: the SDK reads
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` from the environment, on AWS and locally alike.
 * We pin an HTTP/1.1 keep-alive handler (kinesis-mock rejects HTTP/2, and keep-alive saves a TLS
 * handshake per call on AWS), S3 path-style addressing when a custom S3 endpoint is configured
 * (emulators have no wildcard DNS for virtual-hosted buckets).
 *
 * @example
 * const sqs = new SQSClient(clientConfig({ service: 'sqs' }));
 * const s3 = new S3Client(clientConfig({ service: 's3' }));
 */
export function clientConfig(options: { service?: 's3' | 'sqs'; env?: NodeJS.ProcessEnv } = {}) {
  const env = options.env ?? process.env;
  const customS3 = options.service === 's3' && Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return {
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    maxAttempts: 3,
    ...(customS3 ? { forcePathStyle: true } : {}),
    // Queue URLs from emulators carry hosts like `sqs.us-east-1.localhost` that do not resolve; on AWS
    // the regional endpoint is the same host the URL names, so ignoring the URL's host is always right.
    ...(options.service === 'sqs' ? { useQueueUrlAsEndpoint: false } : {}),
  };
}
