import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../shared/aws-clients.ts';
import { kinesisClientConfig } from '../../../shared/stream/kinesis-client-config.ts';
import { emulatorEnvironment } from '../../emulators/environment.ts';
import { withReceivedProtoAttributes } from '../../sqs-received-attributes.ts';
import { readDevState, stateFilePath } from './dev-state.ts';

export const TARGET_NAMES = ['local', 'localstack', 'aws'] as const;
/** Where a command acts: a running `sluice dev`, a LocalStack deployment, or a deployed AWS stack. */
export type TargetName = (typeof TARGET_NAMES)[number];

/** The sample app's stack name (infra/app.ts `STACK_NAME`; not imported, so the CLI starts without loading CDK). */
export const DEFAULT_STACK_NAME = 'Sluice';

/** LocalStack's edge endpoint when `AWS_ENDPOINT_URL` is not set. */
export const LOCALSTACK_DEFAULT_ENDPOINT = 'http://localhost:4566';

export interface TargetOptions {
  readonly target: TargetName;
  /** CloudFormation stack name (localstack, aws). */
  readonly stack: string;
  /** State file of `sluice dev` (local). */
  readonly stateFile?: string;
}

export interface TargetClients {
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  /** Undefined on `local` while `sluice dev` publishes no Step Functions endpoint (`AWS_ENDPOINT_URL_SFN`). */
  readonly sfn?: SFNClient;
  /** Only on AWS: queue age and iterator age are CloudWatch metrics there. */
  readonly cloudwatch?: CloudWatchClient;
}

/** A resolved target: its stack outputs and SDK clients pointed at it. Call `close()` when done. */
export interface ResolvedTarget {
  readonly name: TargetName;
  /** One line for humans: what the command talks to. */
  readonly description: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly clients: TargetClients;
  close(): void;
}

/**
 * Points the AWS SDK at a target and reads the stack's outputs there:
 * - `local`: the endpoints and resolved outputs a running `sluice dev` wrote to its state file;
 * - `localstack`: `AWS_ENDPOINT_URL` (default http://localhost:4566) and CloudFormation DescribeStacks there;
 * - `aws`: the default credential chain and region, DescribeStacks on the deployed stack. Endpoint
 *   overrides (`AWS_ENDPOINT_URL*`) are cleared for this process so `aws` always means AWS.
 *
 * @example
 * const target = await resolveTarget({ target: 'local', stack: 'Sluice' });
 * try { console.log(target.outputs.OrdersQueueUrl); } finally { target.close(); }
 */
export async function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTarget> {
  let outputs: Record<string, string>;
  let description: string;
  if (options.target === 'local') {
    const file = stateFilePath(options.stateFile, env);
    const state = readDevState(file);
    // Only the dev runtime's endpoints: a leftover override (another emulator, LocalStack) must not leak in.
    clearEndpointOverrides(env);
    Object.assign(env, emulatorEnvironment(state.endpoints, state.region));
    outputs = { ...state.outputs };
    description = `local (sluice dev, pid ${state.pid})`;
  } else {
    if (options.target === 'localstack') prepareLocalStackEnvironment(env);
    else clearEndpointOverrides(env);
    outputs = await describeStackOutputs(options.stack, sdkOverrides(options.target, 'CLOUDFORMATION', env));
    description = options.target === 'aws' ? `aws (stack ${options.stack})` : `localstack (stack ${options.stack} at ${env.AWS_ENDPOINT_URL})`;
  }
  const sdk = (service: string) => ({ ...clientConfig({ env }), ...sdkOverrides(options.target, service, env) });
  const clients: TargetClients = {
    sqs: withReceivedProtoAttributes(new SQSClient({ ...clientConfig({ service: 'sqs', env }), ...sdkOverrides(options.target, 'SQS', env) })),
    kinesis: new KinesisClient({ ...kinesisClientConfig({ env }), ...sdkOverrides(options.target, 'KINESIS', env) }),
    dynamodb: new DynamoDBClient(sdk('DYNAMODB')),
    ...(options.target !== 'local' || env.AWS_ENDPOINT_URL_SFN ? { sfn: new SFNClient(sdk('SFN')) } : {}),
    ...(options.target === 'aws' ? { cloudwatch: new CloudWatchClient(sdk('CLOUDWATCH')) } : {}),
  };
  return {
    name: options.target,
    description,
    outputs,
    clients,
    close: () => Object.values(clients).forEach((client) => (client as { destroy(): void }).destroy()),
  };
}

/**
 * The outputs of a deployed CloudFormation stack, by output key.
 *
 * @throws Error naming the stack and what to do when it does not exist.
 * @example
 * const outputs = await describeStackOutputs('Sluice'); // { OrdersQueueUrl: 'https://sqs…', … }
 */
export async function describeStackOutputs(stackName: string, overrides: SdkOverrides = {}): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient({ ...clientConfig(), ...overrides });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new Error(`stack ${stackName} not found`);
    return Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
  } catch (err) {
    const message = (err as Error).message;
    if (/does not exist|not found/i.test(message)) {
      throw new Error(`stack ${stackName} is not deployed there (${message}): deploy it first (docs/deploy.md), or pass --stack <name>`, { cause: err });
    }
    throw err;
  } finally {
    cfn.destroy();
  }
}

/**
 * Client options for one more AWS service on a resolved target (call after {@link resolveTarget}, which points
 * `env` at the target): sluice's client defaults, plus the target's endpoint, region and local credentials.
 *
 * @example
 * const lambda = new LambdaClient(serviceClientConfig(target.name, 'LAMBDA'));
 */
export function serviceClientConfig(target: TargetName, service: string, env: NodeJS.ProcessEnv = process.env) {
  return { ...clientConfig({ env }), ...sdkOverrides(target, service, env) };
}

/** Endpoint, region and credentials given to a client explicitly, so `env` (not only process.env) decides. */
type SdkOverrides = { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } };

/**
 * What points a client at a local target: the service's `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`,
 * region and static credentials from `env`. On `aws` nothing is overridden: the SDK's default chains decide.
 */
function sdkOverrides(target: TargetName, service: string, env: NodeJS.ProcessEnv): SdkOverrides {
  if (target === 'aws') return {};
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  };
}

function prepareLocalStackEnvironment(env: NodeJS.ProcessEnv): void {
  env.AWS_ENDPOINT_URL ??= LOCALSTACK_DEFAULT_ENDPOINT;
  env.AWS_REGION ??= env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // LocalStack accepts any credentials; these only spare users without an AWS profile a lookup error.
  if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
    env.AWS_ACCESS_KEY_ID = 'test';
    env.AWS_SECRET_ACCESS_KEY = 'test';
  }
}

/**
 * Removes every `AWS_ENDPOINT_URL*` from `env`, so the SDK talks to AWS itself (a leftover LocalStack or
 * emulator endpoint must not leak into `--target aws`).
 *
 * @example
 * clearEndpointOverrides(process.env);
 */
export function clearEndpointOverrides(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT_URL')) delete env[key];
}
