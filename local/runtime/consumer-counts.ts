import type { LocalRuntime } from './local-runtime.ts';

/** The runtime's event source mappings: it keeps SQS (`sqsMappings`) and Kinesis (`streamMappings`) apart. */
export type RuntimeMappings = Pick<LocalRuntime, 'sqsMappings' | 'streamMappings'>;

/**
 * Every event source mapping the runtime runs, SQS and Kinesis, as the ready line prints them.
 *
 * @example
 * describeMappings(runtime); // '3 event source mappings (2 SQS, 1 Kinesis)'
 */
export function describeMappings(runtime: RuntimeMappings): string {
  const sqs = runtime.sqsMappings.length;
  const kinesis = runtime.streamMappings.length;
  const total = sqs + kinesis;
  return `${total} event source mapping${total === 1 ? '' : 's'} (${sqs} SQS, ${kinesis} Kinesis)`;
}

/**
 * What the consumers handled so far: messages the SQS consumers acknowledged (deleted) and records the
 * Kinesis pollers delivered to their functions (filtered records are not counted: no function saw them).
 *
 * @example
 * statusLine(queues, handledSoFar(runtime));
 */
export function handledSoFar(runtime: RuntimeMappings): { messages: number; records: number } {
  const messages = runtime.sqsMappings.reduce((sum, mapping) => sum + mapping.poller.stats.deleted, 0);
  const records = runtime.streamMappings.reduce((sum, mapping) => sum + mapping.poller.stats.delivered, 0);
  return { messages, records };
}
