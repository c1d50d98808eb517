import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { keyedRecord } from './keyed-record.ts';

/**
 * Names of the queue worker's metrics (all Count). `dlq` carries a `reason` dimension
 * (malformed, schema-invalid, expired, invalid-attribute, delay-unsupported, or a handler's own reason).
 *
 * @example
 * // CloudWatch: namespace "sluice", metric "duplicate", dimension service=order-worker
 */
export const QUEUE_METRICS = {
  received: 'received',
  processed: 'processed',
  duplicate: 'duplicate',
  dlq: 'dlq',
  delayedHop: 'delayed-hop',
  retried: 'retried',
} as const;

/**
 * A Powertools logger and metrics pair with sluice's defaults. Both honour Powertools' environment
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_METRICS_DISABLED,
 * POWERTOOLS_DEV); metrics are EMF lines on stdout, so nothing needs CloudWatch access to flush them.
 *
 * @example
 * const { logger, metrics } = createObservability({ serviceName: 'order-worker' });
 */
export function createObservability(options: { serviceName?: string; namespace?: string; env?: NodeJS.ProcessEnv } = {}): {
  logger: Logger;
  metrics: Metrics;
} {
  const env = options.env ?? process.env;
  const serviceName = options.serviceName ?? env.POWERTOOLS_SERVICE_NAME ?? 'sluice';
  const namespace = options.namespace ?? env.POWERTOOLS_METRICS_NAMESPACE ?? 'sluice';
  const logger = new Logger({ serviceName });
  return { logger, metrics: new Metrics({ serviceName, namespace, logger }) };
}

/** What happened to the records of one batch, counted for metrics. */
export interface QueueTally {
  received: number;
  processed: number;
  duplicate: number;
  delayedHop: number;
  retried: number;
  /** DLQ'd records by reason (prototype-free: a handler's error may name its own reason). */
  dlq: Record<string, number>;
}

/**
 * An all-zero tally.
 *
 * @example
 * const tally = emptyTally(); tally.processed += 1;
 */
export function emptyTally(): QueueTally {
  return { received: 0, processed: 0, duplicate: 0, delayedHop: 0, retried: 0, dlq: keyedRecord<number>() };
}

/**
 * Adds a batch's tally to `metrics` (flushed by the `logMetrics` middleware). `received` is always
 * added so a flush never finds the store empty; DLQ counts go out as one single-metric per reason.
 *
 * @example
 * addQueueMetrics(metrics, tally);
 */
export function addQueueMetrics(metrics: Metrics, tally: QueueTally): void {
  metrics.addMetric(QUEUE_METRICS.received, MetricUnit.Count, tally.received);
  const counts: [string, number][] = [
    [QUEUE_METRICS.processed, tally.processed],
    [QUEUE_METRICS.duplicate, tally.duplicate],
    [QUEUE_METRICS.delayedHop, tally.delayedHop],
    [QUEUE_METRICS.retried, tally.retried],
  ];
  for (const [name, count] of counts) if (count > 0) metrics.addMetric(name, MetricUnit.Count, count);
  for (const [reason, count] of Object.entries(tally.dlq)) {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric(QUEUE_METRICS.dlq, MetricUnit.Count, count);
  }
}
