import type { EmulatorEndpoints } from '../local/emulators/index.ts';
import { benchTemplate, type BenchPipelineSettings, type BenchWorker } from './bench-stack.ts';
import { requestTotals, type DynamoDbCounter, type OperationCounts, type RequestTotals } from './dynamodb-counter.ts';
import { measureQueueRun, type QueueRun } from './queue-benchmark.ts';
import { median, pairedRatios } from './stats.ts';

/** One workload (size, duplicate share), measured for both workers in interleaved pairs. */
export interface QueueScenario {
  messages: number;
  duplicateShare: number;
  runs: number;
  /** The sluice variant and the baseline it is paired with (default the sample's worker and Powertools). */
  workers?: readonly [BenchWorker, BenchWorker];
  /** Added to the sluice variant's environment (e.g. QUEUE_ENV.dedupReadFirst). */
  sluiceEnvironment?: Record<string, string>;
}

/** Per worker: the median throughput and the requests of its median-throughput run. */
export interface WorkerSummary {
  runs: QueueRun[];
  medianMessagesPerSecond: number;
  /** Requests summed over all runs, per message of each kind. */
  perMessage: RequestTotals;
  /** Requests summed over all runs, by operation. */
  counts: OperationCounts;
  messages: number;
  unique: number;
}

export interface QueueScenarioResult {
  scenario: QueueScenario;
  sluice: WorkerSummary;
  powertools: WorkerSummary;
  /** sluice ÷ Powertools messages/s, run i against run i of the same pair. */
  ratio: ReturnType<typeof pairedRatios>;
}

/**
 * Runs `runs` pairs of the scenario, sluice and Powertools back to back, alternating which goes first
 * (A B, B A, …) so neither always meets a warmer or colder machine.
 *
 * @example
 * const result = await runQueueScenario({ messages: 1000, duplicateShare: 0.2, runs: 5 }, { template, endpoints, counter });
 */
export async function runQueueScenario(
  scenario: QueueScenario,
  env: {
    endpoints: EmulatorEndpoints;
    counter: DynamoDbCounter;
    log: (line: string) => void;
    settings?: BenchPipelineSettings;
    window?: { start(): void; stop(): void; read?(): Partial<QueueRun> };
  },
): Promise<QueueScenarioResult> {
  const [sluiceWorker, baselineWorker] = scenario.workers ?? (['sluice', 'powertools'] as const);
  const runs = { sluice: [] as QueueRun[], powertools: [] as QueueRun[] };
  for (let pair = 0; pair < scenario.runs; pair++) {
    const order = pair % 2 === 0 ? (['sluice', 'powertools'] as const) : (['powertools', 'sluice'] as const);
    for (const role of order) {
      const worker = role === 'sluice' ? sluiceWorker : baselineWorker;
      const run = await measureQueueRun({
        endpoints: env.endpoints,
        counter: env.counter,
        log: env.log,
        template: benchTemplate(worker, env.settings),
        worker,
        messages: scenario.messages,
        duplicateShare: scenario.duplicateShare,
        ...(role === 'sluice' && scenario.sluiceEnvironment ? { functionEnvironment: scenario.sluiceEnvironment } : {}),
        ...(env.window ? { window: env.window } : {}),
      });
      const measured = { ...run, ...env.window?.read?.() };
      runs[role].push(measured);
      env.log(
        `  ${scenario.messages} msgs, ${Math.round(scenario.duplicateShare * 100)}% dup, pair ${pair + 1}/${scenario.runs}: ${worker.padEnd(16)} ${run.messagesPerSecond.toFixed(0)} msg/s` +
          `  (${run.seconds.toFixed(2)} s, ${run.invocations} invocations, ${(run.billedMs / Math.max(1, run.invocations)).toFixed(1)} ms each, item failures ${run.itemFailures})`,
      );
    }
  }
  return {
    scenario,
    sluice: summarize(runs.sluice),
    powertools: summarize(runs.powertools),
    ratio: pairedRatios(
      runs.sluice.map((r) => r.messagesPerSecond),
      runs.powertools.map((r) => r.messagesPerSecond),
    ),
  };
}

function summarize(runs: QueueRun[]): WorkerSummary {
  const counts: OperationCounts = {};
  for (const run of runs) {
    for (const [operation, c] of Object.entries(run.counts)) {
      const sum = (counts[operation] ??= { requests: 0, attempts: 0, writeItems: 0 });
      sum.requests += c.requests;
      sum.attempts += c.attempts;
      sum.writeItems += c.writeItems;
    }
  }
  const messages = runs.reduce((s, r) => s + r.messages, 0);
  const unique = runs.reduce((s, r) => s + r.unique, 0);
  const totals = requestTotals(counts);
  const per = (value: number) => value / messages;
  return {
    runs,
    medianMessagesPerSecond: median(runs.map((r) => r.messagesPerSecond)),
    perMessage: {
      requests: per(totals.requests),
      writeRequests: per(totals.writeRequests),
      writeItems: per(totals.writeItems),
      writeUnits: per(totals.writeUnits),
      attempts: per(totals.attempts),
    },
    counts,
    messages,
    unique,
  };
}

/**
 * Requests per duplicate, derived from two scenarios of the same worker: what the duplicate run spent
 * beyond its first-time messages (priced at the 0 % run's rate), divided by its copies.
 *
 * @example
 * perDuplicate({ total: 1800, messages: 1000, unique: 800 }, 2); // 1
 */
export function perDuplicate(run: { total: number; messages: number; unique: number }, perFirstTime: number): number {
  const copies = run.messages - run.unique;
  if (copies <= 0) throw new Error('no duplicates in this run');
  return (run.total - run.unique * perFirstTime) / copies;
}
