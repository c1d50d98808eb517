/**
 * Options shared by every AWS SDK client sluice creates. Endpoints are never set here: the SDK reads
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` from the environment, on AWS and locally alike.
 * The request handler is given as options, not as an instance: each client then builds its own
 * (keep-alive HTTP/1.1 for DynamoDB, SQS and S3) from the SDK it ships with, so a bundle that leaves
 * `@aws-sdk/*` to the Lambda runtime carries no second copy of smithy. S3 uses path-style addressing
 * when a custom S3 endpoint is configured (emulators have no wildcard DNS for virtual-hosted buckets).
 * Kinesis clients take `kinesisClientConfig()` from `sluice/stream` instead.
 *
 * @example
 * const sqs = new SQSClient(clientConfig({ service: 'sqs' }));
 * const s3 = new S3Client(clientConfig({ service: 's3' }));
 */
export function clientConfig(options: { service?: 's3' | 'sqs'; env?: NodeJS.ProcessEnv } = {}) {
  const env = options.env ?? process.env;
  const customS3 = options.service === 's3' && Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return {
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    maxAttempts: 3,
    ...(customS3 ? { forcePathStyle: true } : {}),
    // Queue URLs from emulators carry hosts like `sqs.us-east-1.localhost` that do not resolve; on AWS
    // the regional endpoint is the same host the URL names, so ignoring the URL's host is always right.
    ...(options.service === 'sqs' ? { useQueueUrlAsEndpoint: false } : {}),
  };
}
