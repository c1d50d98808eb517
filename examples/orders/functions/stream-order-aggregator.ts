import { createStreamConsumer } from 'sluice/stream';
import { orderRevenue } from '../lib/order-revenue-pipeline.ts';

/**
 * Kinesis tumbling-window consumer: order revenue and count per category per window, committed exactly
 * once. The pipeline's name, results table and failure queue come from the environment the StreamPipeline
 * construct wires.
 */
export const handler = createStreamConsumer(orderRevenue);
