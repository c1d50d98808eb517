/**
 * `sluice/queue`: SQS workers with exactly-once effects, and producers that set sluice's message attributes.
 *
 * @example
 * import { createQueueWorker, QueueProducer } from 'sluice/queue';
 */
export { createQueueWorker, type QueueWorkerOptions, type QueueWorkerHandler } from './worker.ts';
export { parsePayload, type MessageMeta, type MessageEffect, type MessageOutcome, type DedupOptions } from './message-processor.ts';
export { QueueProducer, type SendOptions, type BatchItem, type QueueProducerOptions } from './producer.ts';
export { queueWorkerEnv, type QueueWorkerEnv } from './config.ts';
export { queueDepth, type QueueDepth } from './queue-depth.ts';
export { MAX_SQS_MESSAGE_BYTES, sqsMessageSize } from './size.ts';
export { MAX_DELAY_SECONDS } from './redelivery.ts';
export { ENVELOPE_ATTRIBUTES, DLQ_ATTRIBUTES, readEnvelope, type Envelope } from '../envelope.ts';
