/**
 * `sluice`: what every handler may need whatever its pipeline: the error classes, client settings,
 * environment readers, the clock and Powertools logger/metrics with sluice's defaults. Pipelines have
 * their own entry points: `sluice/queue`, `sluice/stream`, `sluice/batch`, `sluice/dedup`; constructs
 * are in `sluice/cdk`, the local runtime in `sluice/local` and `sluice/testing`.
 *
 * @example
 * import { SchemaValidationError, clientConfig, requireEnv } from 'sluice';
 */
export * from './errors.ts';
export { clientConfig } from './aws-clients.ts';
export type { Schema, SchemaIssue } from './schema.ts';
export { requireEnv, intEnv } from './config.ts';
export { systemClock, type Clock } from './clock.ts';
export { createObservability, QUEUE_METRICS } from './observability.ts';
export { keyedRecord, ownValue } from './keyed-record.ts';
