/**
 * `sluice/local`: the local runtime for scripts and tools. It runs a CDK app's synthesized template on
 * npm emulators (fauxqs for SQS and S3, DynamoDB Local, kinesis-mock) with Lambda's event source
 * semantics and the state machines' Task states bound to the local functions. For jest tests,
 * `sluice/testing` wraps it in a smaller API.
 *
 * @example
 * import { LocalRuntime } from 'sluice/local';
 * const runtime = await LocalRuntime.start({ app: { projectDir: '.' } });
 * await runtime.drain();
 * await runtime.stop();
 */
export {
  LocalRuntime,
  LOCAL_ACCOUNT_ID,
  type LocalRuntimeOptions,
  type RunningMapping,
  type EventSourcePoller,
  type RuntimeClients,
  type UnsupportedFunction,
} from './runtime/local-runtime.ts';
export { loadApp, loadTemplate, LOCAL_SYNTH_CONTEXT, type AppSource, type LoadedApp } from './template/load-template.ts';
export type { CfnTemplate, CfnResource } from './template/types.ts';
export { startEmulators, type Emulators, type EmulatorEndpoints } from './emulators/index.ts';
export { emulatorEnvironment, endpointsFromEnvironment } from './emulators/environment.ts';
export { VirtualClock } from './runtime/clock.ts';
export { until, type UntilOptions } from './runtime/until.ts';
export { describeMappings, handledSoFar } from './runtime/consumer-counts.ts';
export { MetricsCollector } from './runtime/metrics-collector.ts';
export type { LocalFunction, LocalFunctionStats } from './runtime/local-function.ts';
export type { RuntimeEvents, RuntimeEventMap, InvocationRecord, FunctionLogLine } from './runtime/runtime-events.ts';
export type { ExecutionDescription, ExecutionHistoryEvent, ExecutionStatus, LocalStateMachine, StateMachineEvent } from './stepfunctions/index.ts';
export type { SqsPollerStats } from './pollers/sqs-poller.ts';
export type { KinesisPollerStats } from './pollers/kinesis-poller.ts';
export { seededRandom } from './faults/seeded-random.ts';
export { formatTable, formatCount } from './cli/table.ts';
export { createProgress } from './cli/progress.ts';
