import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientConfig } from '../../../shared/aws-clients.ts';
import { kinesisClientConfig } from '../../../shared/stream/kinesis-client-config.ts';

describe('SDK client settings', () => {
  it('give every client its request handler as options, so the client builds it from its own SDK (no second smithy in a bundle)', () => {
    // Act
    const configs = [clientConfig(), clientConfig({ service: 'sqs' }), clientConfig({ service: 's3' })];

    // Assess
    for (const config of configs) expect(config.requestHandler).toEqual({ connectionTimeout: 5_000, requestTimeout: 30_000 });
  });

  it.each([
    ['AWS (no endpoint set)', {}],
    ['an explicit AWS endpoint', { AWS_ENDPOINT_URL_KINESIS: 'https://kinesis.eu-west-1.amazonaws.com' }],
  ])('leave Kinesis on its own HTTP/2 handler on %s', (_where, env) => {
    // Act
    const config = kinesisClientConfig({ env });

    // Assess
    expect(config.requestHandler).not.toBeInstanceOf(NodeHttpHandler);
    expect(config).toEqual(clientConfig({ env }));
  });

  it.each([
    ['kinesis-mock', { AWS_ENDPOINT_URL_KINESIS: 'https://127.0.0.1:4567' }],
    ['LocalStack (one endpoint for all services)', { AWS_ENDPOINT_URL: 'http://localhost:4566' }],
  ])('pin an HTTP/1.1 handler for Kinesis against %s, which refuses HTTP/2', (_emulator, env) => {
    // Act
    const config = kinesisClientConfig({ env });

    // Assess
    expect(config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    expect(config.maxAttempts).toBe(clientConfig().maxAttempts);
  });
});
