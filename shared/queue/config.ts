import { intEnv, requireEnv } from '../config.ts';
import { READ_FIRST_MODES, type ReadFirstMode } from '../dedup/read-first.ts';
import { DEFAULT_DEDUP_WINDOW_SECONDS } from '../dedup/record.ts';
import { ConfigurationError } from '../errors.ts';
import { QUEUE_ENV } from './contract.ts';

/** The environment a queue worker function reads (wired by the QueuePipeline construct). */
export interface QueueWorkerEnv {
  /** {@link QUEUE_ENV}.dedupTable: the dedup table's name. */
  dedupTable: string;
  /** {@link QUEUE_ENV}.dedupScope: prefix of every dedup key of this pipeline. */
  dedupScope: string;
  /** {@link QUEUE_ENV}.dedupWindowSeconds: record lifetime; default 14 days (SQS's longest retention). */
  dedupWindowSeconds: number;
  /** {@link QUEUE_ENV}.dedupReadFirst: `adaptive` (default), `always` or `never`: see `readFirst` in `sluice/dedup`. */
  dedupReadFirst: ReadFirstMode;
  /** {@link QUEUE_ENV}.queueUrl: the consumed queue (delay hops). */
  queueUrl: string;
  /** {@link QUEUE_ENV}.dlqUrl: the dead-letter queue. */
  dlqUrl: string;
  /** {@link QUEUE_ENV}.fifo `true`, or undefined to detect from the event source ARN. */
  fifo: boolean | undefined;
}

/**
 * Reads a queue worker's settings from the environment at module scope (a missing one fails the cold start).
 *
 * @example
 * const config = queueWorkerEnv();
 * const store = new DedupStore({ client, tableName: config.dedupTable, windowSeconds: config.dedupWindowSeconds });
 */
export function queueWorkerEnv(env: NodeJS.ProcessEnv = process.env): QueueWorkerEnv {
  return {
    dedupTable: requireEnv(QUEUE_ENV.dedupTable, env),
    dedupScope: requireEnv(QUEUE_ENV.dedupScope, env),
    dedupWindowSeconds: intEnv(QUEUE_ENV.dedupWindowSeconds, DEFAULT_DEDUP_WINDOW_SECONDS, env),
    dedupReadFirst: readFirstMode(env[QUEUE_ENV.dedupReadFirst]),
    queueUrl: requireEnv(QUEUE_ENV.queueUrl, env),
    dlqUrl: requireEnv(QUEUE_ENV.dlqUrl, env),
    fifo: fifoEnv(env),
  };
}

/**
 * `SLUICE_FIFO` as the worker reads it: `true` or `false`, `undefined` when unset (detect from the event
 * source ARN).
 *
 * @example
 * const fifo = options.fifo ?? fifoEnv() ?? isFifoQueue(arn);
 */
export function fifoEnv(env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  const fifo = env[QUEUE_ENV.fifo];
  return fifo === undefined || fifo === '' ? undefined : fifo === 'true';
}

function readFirstMode(raw: string | undefined): ReadFirstMode {
  if (raw === undefined || raw === '') return 'adaptive';
  if (!(READ_FIRST_MODES as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`environment variable ${QUEUE_ENV.dedupReadFirst} must be one of ${READ_FIRST_MODES.join(', ')}, got "${raw}"`);
  }
  return raw as ReadFirstMode;
}
