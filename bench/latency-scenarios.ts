import { startFaultProxy, type FaultProxy } from '../local/faults/fault-proxy.ts';
import type { EmulatorEndpoints } from '../local/emulators/index.ts';
import { AWS_LATENCY } from './aws-model.ts';
import type { BenchPipelineSettings, BenchWorker } from './bench-stack.ts';
import type { DynamoDbCounter } from './dynamodb-counter.ts';
import type { QueueRun } from './queue-benchmark.ts';
import { runQueueScenario, type QueueScenarioResult } from './queue-scenarios.ts';
import { wireUsage } from './wire-usage.ts';
import { QUEUE_ENV } from '../shared/queue/contract.ts';

/** Concurrent batches in the latency-true runs: AWS's smallest MaximumConcurrency, so the emulators stay faster than the latency they stand in for. */
export const LATENCY_CONCURRENCY = 2;

/** One workload at 0 % and 20 % duplicates. */
export interface DuplicatePair {
  first: QueueScenarioResult;
  duplicates: QueueScenarioResult;
}

/** Everything the latency-true section measured. */
export interface LatencyResults {
  messages: number;
  runs: number;
  maxConcurrency: number;
  /** The sample's worker (two-item effect, read-first adaptive) against Powertools: the headline. */
  twoItems: DuplicatePair;
  /** sluice's two-item worker with read-first off (`never`) and on (`always`), each against Powertools. */
  readFirst: { never: DuplicatePair; always: DuplicatePair };
  /** An effect of one item: sluice in atomic and in claim mode, each against Powertools. */
  oneItem: { atomic: DuplicatePair; claim: DuplicatePair };
}

export interface LatencySettings {
  messages: number;
  runs: number;
  /** Pairs for the alternatives (read-first modes, one-item effect). */
  alternativeRuns: number;
}

/**
 * The latency-true runs: fault proxies in front of DynamoDB Local and fauxqs hold every answer until a
 * latency drawn from AWS's published figures (bench/aws-model.ts) has passed, for the function's calls
 * and the event source mapping's alike, while the clock runs; they also tally what each request is
 * billed. Each workload runs at 0 % and 20 % duplicates, in interleaved pairs against Powertools.
 *
 * @example
 * const latency = await runLatencyScenarios(emulators.endpoints, counter, { messages: 1000, runs: 3, alternativeRuns: 2 }, console.log);
 */
export async function runLatencyScenarios(
  endpoints: EmulatorEndpoints,
  counter: DynamoDbCounter,
  settings: LatencySettings,
  log: (line: string) => void,
): Promise<LatencyResults> {
  const usage = wireUsage();
  const proxies: FaultProxy[] = [];
  try {
    const dynamodb = await startFaultProxy({ target: endpoints.dynamodb, service: 'dynamodb', seed: 15, onExchange: usage.dynamodb });
    proxies.push(dynamodb);
    const sqs = await startFaultProxy({ target: endpoints.sqs, service: 'sqs', seed: 16, onExchange: usage.sqs });
    proxies.push(sqs);
    const before = () => ({ held: dynamodb.stats.delayed + sqs.stats.delayed, overruns: dynamodb.stats.latencyOverruns + sqs.stats.latencyOverruns });
    let start = before();
    const window = {
      start() {
        start = before();
        usage.start();
        dynamodb.setLatency(AWS_LATENCY.dynamodb);
        sqs.setLatency(AWS_LATENCY.sqs);
      },
      stop() {
        dynamodb.setLatency(undefined);
        sqs.setLatency(undefined);
      },
      read(): Partial<QueueRun> {
        const now = before();
        return { wire: usage.stop(), latency: { held: now.held - start.held, overruns: now.overruns - start.overruns } };
      },
    };
    const pipeline: BenchPipelineSettings = { maxConcurrency: LATENCY_CONCURRENCY };
    const env = { endpoints: { ...endpoints, dynamodb: dynamodb.endpoint, sqs: sqs.endpoint }, counter, log, settings: pipeline, window };
    const pair = async (label: string, workers: readonly [BenchWorker, BenchWorker], runs: number, sluiceEnvironment?: Record<string, string>): Promise<DuplicatePair> => {
      log(`latency-true: ${label}, ${settings.messages} messages × ${runs} pairs, 0 % and 20 % duplicates`);
      const scenario = { messages: settings.messages, runs, workers, ...(sluiceEnvironment ? { sluiceEnvironment } : {}) };
      return {
        first: await runQueueScenario({ ...scenario, duplicateShare: 0 }, env),
        duplicates: await runQueueScenario({ ...scenario, duplicateShare: 0.2 }, env),
      };
    };
    return {
      messages: settings.messages,
      runs: settings.runs,
      maxConcurrency: LATENCY_CONCURRENCY,
      twoItems: await pair('two-item effect, read-first adaptive', ['sluice', 'powertools'], settings.runs),
      readFirst: {
        never: await pair('two-item effect, read-first never', ['sluice', 'powertools'], settings.alternativeRuns, { [QUEUE_ENV.dedupReadFirst]: 'never' }),
        always: await pair('two-item effect, read-first always', ['sluice', 'powertools'], settings.alternativeRuns, { [QUEUE_ENV.dedupReadFirst]: 'always' }),
      },
      oneItem: {
        atomic: await pair('one-item effect, atomic', ['sluice-one', 'powertools-one'], settings.alternativeRuns),
        claim: await pair('one-item effect, claim', ['sluice-one-claim', 'powertools-one'], settings.alternativeRuns),
      },
    };
  } finally {
    for (const proxy of proxies) await proxy.stop();
  }
}
