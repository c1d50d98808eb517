import type { EmulatorEndpoints } from './index.ts';

/** The emulators' credentials: dummies (they accept any signature), so real ones never reach them. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The environment that points every AWS SDK v3 client at the emulators, exactly the variables AWS
 * documents (`AWS_ENDPOINT_URL_<SERVICE>`), so handlers and shared/ need no local-only code.
 * Credentials are dummies: the emulators accept any signature, and real ones must never leak in.
 *
 * @example
 * spawn('node', ['script.js'], { env: { ...process.env, ...emulatorEnvironment(emulators.endpoints) } });
 */
export function emulatorEnvironment(endpoints: EmulatorEndpoints, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    // fauxqs serves SNS on its SQS port.
    AWS_ENDPOINT_URL_SNS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    ...(endpoints.kinesis ? { AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis } : {}),
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
    ...(endpoints.controlPlane
      ? Object.fromEntries(['CLOUDFORMATION', 'CLOUDWATCH', 'LAMBDA', 'SSM'].map((service) => [`AWS_ENDPOINT_URL_${service}`, endpoints.controlPlane!]))
      : {}),
  };
}

/** Reads the endpoints back from an environment written by {@link emulatorEnvironment}. */
export function endpointsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EmulatorEndpoints | undefined {
  const { AWS_ENDPOINT_URL_SQS: sqs, AWS_ENDPOINT_URL_S3: s3, AWS_ENDPOINT_URL_DYNAMODB: dynamodb, AWS_ENDPOINT_URL_KINESIS: kinesis } = env;
  if (!sqs || !s3 || !dynamodb) return undefined;
  // The Step Functions endpoint belongs to a runtime, not to the shared emulators: never inherited.
  return { sqs, s3, dynamodb, kinesis };
}
