import { AWS_PRICES } from './aws-model.ts';
import type { QueueRun } from './queue-benchmark.ts';

/** What one million messages cost on demand in us-east-1, by service, from what the runs measured. */
export interface CostPerMillion {
  /** Dollars per million messages. */
  dynamodb: number;
  lambda: number;
  sqs: number;
  total: number;
  /** The measured units behind them, per message. */
  writeUnits: number;
  readUnits: number;
  dynamodbRequests: number;
  gbSeconds: number;
  invocations: number;
  sqsRequests: number;
}

/** SendMessageBatch requests of the producer per message: batches of 10 (each well under 64 KB). */
const SEND_REQUESTS_PER_MESSAGE = 1 / 10;

/**
 * Cost per million messages from the runs of one worker: DynamoDB write and read request units as
 * billed (seen on the wire, refused writes included), Lambda GB-seconds (each invocation's duration
 * rounded up to 1 ms, at the function's memory) and requests, and SQS requests: the function's own, the
 * event source mapping's non-empty receives and deletes (empty receives depend on how traffic arrives,
 * not on the worker), and the producer's sends.
 *
 * @throws Error when a run carries no wire usage (only latency-true runs go through the proxies).
 * @example
 * const cost = costPerMillion(result.sluice.runs); // { dynamodb: 3.75, lambda: 0.31, sqs: 0.12, total: 4.18, … }
 */
export function costPerMillion(runs: readonly QueueRun[]): CostPerMillion {
  let messages = 0;
  let writeUnits = 0;
  let readUnits = 0;
  let dynamodbRequests = 0;
  let gbSeconds = 0;
  let invocations = 0;
  let sqsRequests = 0;
  for (const run of runs) {
    if (!run.wire) throw new Error(`run of ${run.worker} has no wire usage`);
    messages += run.messages;
    for (const usage of Object.values(run.wire.dynamodb)) {
      writeUnits += usage.writeUnits;
      readUnits += usage.readUnits;
      dynamodbRequests += usage.requests;
    }
    for (const usage of Object.values(run.wire.sqs)) sqsRequests += usage.requests - usage.empty;
    sqsRequests += run.messages * SEND_REQUESTS_PER_MESSAGE;
    gbSeconds += (run.billedMs / 1000) * (run.memoryMb / 1024);
    invocations += run.invocations;
  }
  if (messages === 0) throw new Error('no messages to price');
  const perMillion = (value: number) => (value / messages) * 1e6;
  const dynamodb = perMillion(writeUnits * AWS_PRICES.writeRequestUnit + readUnits * AWS_PRICES.readRequestUnit);
  const lambda = perMillion(gbSeconds * AWS_PRICES.lambdaArmGbSecond + invocations * AWS_PRICES.lambdaRequest);
  const sqs = perMillion(sqsRequests * AWS_PRICES.sqsRequest);
  return {
    dynamodb,
    lambda,
    sqs,
    total: dynamodb + lambda + sqs,
    writeUnits: writeUnits / messages,
    readUnits: readUnits / messages,
    dynamodbRequests: dynamodbRequests / messages,
    gbSeconds: gbSeconds / messages,
    invocations: invocations / messages,
    sqsRequests: sqsRequests / messages,
  };
}
