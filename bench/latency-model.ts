import { latencySampler, type WireLatency } from '../local/faults/latency.ts';
import { seededRandom } from '../local/faults/seeded-random.ts';
import type { QueueRun } from './queue-benchmark.ts';

/** What the published latencies alone predict for one worker, whatever the machine. */
export interface ModelledThroughput {
  /** Median batch time: the slowest of its messages' chains of DynamoDB calls, plus the mapping's receive and delete. */
  batchMs: number;
  messagesPerSecondPerBatch: number;
}

const SAMPLES = 4_000;

/**
 * Throughput per concurrent batch predicted from the latency figures alone, with the machine taken out:
 * each message of a batch of `batchSize` makes, one after the other, the DynamoDB calls the worker was
 * measured making per message (an operation made 0.8 times per message is made by 80 % of the messages;
 * calls are drawn independently), the batch's messages run in parallel, and the batch ends with its
 * slowest message; the mapping's ReceiveMessage and DeleteMessageBatch come before and after. A model:
 * it leaves out CPU time, and correlations between the calls of one message.
 *
 * @example
 * const { messagesPerSecondPerBatch } = modelThroughput(result.sluice.runs, { dynamodb: AWS_LATENCY.dynamodb, sqs: AWS_LATENCY.sqs });
 */
export function modelThroughput(runs: readonly QueueRun[], latency: { dynamodb: WireLatency; sqs: WireLatency }, batchSize = 10, seed = 21): ModelledThroughput {
  const messages = runs.reduce((sum, run) => sum + run.messages, 0);
  const requests = new Map<string, number>();
  for (const run of runs) {
    for (const [operation, usage] of Object.entries(run.wire?.dynamodb ?? {})) requests.set(operation, (requests.get(operation) ?? 0) + usage.requests);
  }
  const rates = [...requests].map(([operation, count]) => [operation, count / Math.max(1, messages)] as const);
  const draw = { dynamodb: latencySampler(latency.dynamodb, seed), sqs: latencySampler(latency.sqs, seed + 1) };
  const flip = seededRandom(seed + 2);
  const message = () => {
    let ms = 0;
    for (const [operation, rate] of rates) {
      const calls = Math.floor(rate) + (flip() < rate - Math.floor(rate) ? 1 : 0);
      for (let call = 0; call < calls; call++) ms += draw.dynamodb(operation);
    }
    return ms;
  };
  const batches = Array.from({ length: SAMPLES }, () => {
    let slowest = 0;
    for (let i = 0; i < batchSize; i++) slowest = Math.max(slowest, message());
    return draw.sqs('ReceiveMessage') + slowest + draw.sqs('DeleteMessageBatch');
  }).sort((a, b) => a - b);
  const mean = batches.reduce((sum, ms) => sum + ms, 0) / batches.length;
  return { batchMs: batches[Math.floor(batches.length / 2)]!, messagesPerSecondPerBatch: (batchSize / mean) * 1000 };
}
