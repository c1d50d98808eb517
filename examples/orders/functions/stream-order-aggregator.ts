import { requireEnv } from 'sluice';
import { createStreamConsumer } from 'sluice/stream';
import { orderRevenuePipeline } from '../lib/order-revenue-pipeline.ts';

/** Kinesis tumbling-window consumer: order revenue and count per category per window, committed exactly once. */
export const handler = createStreamConsumer(orderRevenuePipeline(requireEnv('SLUICE_PIPELINE_NAME')));
