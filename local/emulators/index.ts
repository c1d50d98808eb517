import { startDynamoDbLocal } from './dynamodb-local.ts';
import { startFauxqs } from './fauxqs.ts';
import { startKinesisMock } from './kinesis-mock.ts';
import type { RunningEmulator } from './emulator.ts';
import { LOOPBACK_HOST } from './listen-host.ts';

export type { RunningEmulator } from './emulator.ts';

/** Endpoints of the running emulators, by AWS service. */
export interface EmulatorEndpoints {
  sqs: string;
  s3: string;
  dynamodb: string;
  kinesis?: string;
  /** The local runtime's Step Functions API (not an emulator process: it serves the template's state machines). */
  sfn?: string;
  /** The local runtime's read-only CloudFormation, CloudWatch, Lambda and SSM API (local/control-plane). */
  controlPlane?: string;
}

/** All emulators a local sluice needs, started together and stopped together. */
export interface Emulators {
  readonly endpoints: EmulatorEndpoints;
  /** The address they listen on. */
  readonly listenHost: string;
  /** Emulators that listen beyond `listenHost` (with the port and why), for a warning. */
  readonly exposures: readonly string[];
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  /** Start kinesis-mock (default true). */
  readonly kinesis?: boolean;
  /** The address every emulator listens on (default 127.0.0.1: they have no authentication). */
  readonly host?: string;
}

/**
 * Starts fauxqs (SQS + S3), DynamoDB Local and, unless `kinesis: false`, kinesis-mock, in parallel, each
 * listening on loopback only unless `host` says otherwise.
 * If one fails to start, the others are stopped before the error is thrown.
 *
 * @example
 * const emulators = await startEmulators();
 * try { ... } finally { await emulators.stop(); }
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const listenHost = options.host ?? LOOPBACK_HOST;
  const starts: Promise<RunningEmulator>[] = [startFauxqs({ host: listenHost }), startDynamoDbLocal({ host: listenHost })];
  if (options.kinesis !== false) starts.push(startKinesisMock({ host: listenHost }));
  const settled = await Promise.allSettled(starts);
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.allSettled(started.map((e) => e.stop()));
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const byName = (name: RunningEmulator['name']) => started.find((e) => e.name === name)?.endpoint;
  return {
    endpoints: { sqs: byName('sqs+s3')!, s3: byName('sqs+s3')!, dynamodb: byName('dynamodb')!, kinesis: byName('kinesis') },
    listenHost,
    exposures: started.flatMap((e) => (e.exposure ? [e.exposure] : [])),
    stop,
  };
}
