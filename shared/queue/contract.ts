import { OUTPUT_SUFFIXES } from '../stack-outputs.ts';

/**
 * The queue pipeline's contract between its deployed pieces, in one place: the environment variables the
 * QueuePipeline construct writes and the worker reads ({@link queueWorkerEnv} in config.ts), and the stack
 * outputs the construct offers and the CLI, the console and the testing helpers look queues up by.
 *
 * @example
 * process.env[QUEUE_ENV.queueUrl]; // the consumed queue's URL, as the construct wired it
 */
export const QUEUE_ENV = {
  /** The consumed queue (delay hops go back to it). */
  queueUrl: 'SLUICE_QUEUE_URL',
  /** The dead-letter queue (permanent failures are sent to it directly). */
  dlqUrl: 'SLUICE_DLQ_URL',
  /** `true` / `false`; unset: detect from the event source ARN. */
  fifo: 'SLUICE_FIFO',
  /** `true`: a failing FIFO group is skipped and the other groups go on. Not set by the construct. */
  fifoSkipGroupOnError: 'SLUICE_FIFO_SKIP_GROUP_ON_ERROR',
  /** The dedup table's name; unset: no dedup. */
  dedupTable: 'SLUICE_DEDUP_TABLE',
  /** Prefix of every dedup key of this pipeline. */
  dedupScope: 'SLUICE_DEDUP_SCOPE',
  /** Dedup record lifetime in seconds. */
  dedupWindowSeconds: 'SLUICE_DEDUP_WINDOW_SECONDS',
  /** `adaptive` (default), `always` or `never`. Not set by the construct. */
  dedupReadFirst: 'SLUICE_DEDUP_READ_FIRST',
} as const;

/** What the QueuePipeline construct wires into its consumer's environment. */
export interface QueueWorkerWiring {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly fifo: boolean;
  readonly dedupTable: string;
  readonly dedupScope: string;
  readonly dedupWindowSeconds: number;
}

/**
 * The consumer environment for a queue pipeline, under the {@link QUEUE_ENV} names (the values may be CDK
 * tokens).
 *
 * @example
 * environment: { ...queueWorkerEnvironment({ queueUrl, dlqUrl, fifo: false, dedupTable, dedupScope: 'orders', dedupWindowSeconds: 1_209_600 }) }
 */
export function queueWorkerEnvironment(wiring: QueueWorkerWiring): Record<string, string> {
  return {
    [QUEUE_ENV.queueUrl]: wiring.queueUrl,
    [QUEUE_ENV.dlqUrl]: wiring.dlqUrl,
    [QUEUE_ENV.fifo]: String(wiring.fifo),
    [QUEUE_ENV.dedupTable]: wiring.dedupTable,
    [QUEUE_ENV.dedupScope]: wiring.dedupScope,
    [QUEUE_ENV.dedupWindowSeconds]: String(wiring.dedupWindowSeconds),
  };
}

/** The output suffixes of a queue pipeline (`<id><suffix>`), a subset of {@link OUTPUT_SUFFIXES}. */
export const QUEUE_OUTPUT_SUFFIXES = {
  queueUrl: OUTPUT_SUFFIXES.queueUrl,
  deadLetterQueueUrl: OUTPUT_SUFFIXES.deadLetterQueueUrl,
  consumerName: OUTPUT_SUFFIXES.consumerName,
  dedupWindowSeconds: OUTPUT_SUFFIXES.dedupWindowSeconds,
} as const;

/**
 * The name of one of a queue pipeline's stack outputs.
 *
 * @example
 * queueOutputName('Orders', 'deadLetterQueueUrl'); // 'OrdersDeadLetterQueueUrl'
 */
export function queueOutputName(prefix: string, output: keyof typeof QUEUE_OUTPUT_SUFFIXES): string {
  return `${prefix}${QUEUE_OUTPUT_SUFFIXES[output]}`;
}
