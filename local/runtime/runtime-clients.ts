import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';
import { kinesisClientConfig } from '../../shared/stream/kinesis-client-config.ts';
import { EMULATOR_CREDENTIALS, emulatorEnvironment } from '../emulators/environment.ts';
import type { EmulatorEndpoints } from '../emulators/index.ts';
import { withReceivedProtoAttributes } from '../sqs-received-attributes.ts';

/** The clients the local runtime provisions and polls with (tests and tools use them too). */
export interface RuntimeClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly kinesis?: KinesisClient;
  readonly sns: SNSClient;
}

/**
 * The runtime's own clients, each given its emulator's endpoint, the region and the emulators' dummy
 * credentials explicitly, so they work whatever `process.env` holds (sluice's usual options otherwise:
 * path-style S3, queue URLs not used as endpoints, HTTP/1.1 for kinesis-mock).
 *
 * @example
 * const clients = createRuntimeClients(emulators.endpoints, 'us-east-1');
 * await clients.sqs.send(new ListQueuesCommand({}));
 */
export function createRuntimeClients(endpoints: EmulatorEndpoints, region: string): RuntimeClients {
  // The variables the shared config helpers read, as the emulators would set them (not process.env's).
  const env = emulatorEnvironment(endpoints, region);
  const at = (endpoint: string) => ({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  return {
    sqs: withReceivedProtoAttributes(new SQSClient({ ...clientConfig({ service: 'sqs', env }), ...at(endpoints.sqs) })),
    dynamodb: new DynamoDBClient({ ...clientConfig({ env }), ...at(endpoints.dynamodb) }),
    s3: new S3Client({ ...clientConfig({ service: 's3', env }), ...at(endpoints.s3) }),
    ...(endpoints.kinesis ? { kinesis: new KinesisClient({ ...kinesisClientConfig({ env }), ...at(endpoints.kinesis) }) } : {}),
    // fauxqs serves SNS on its SQS port.
    sns: new SNSClient({ ...clientConfig({ env }), ...at(endpoints.sqs) }),
  };
}
