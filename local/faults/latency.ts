import { seededRandom } from './seeded-random.ts';

/** A request latency distribution given by two percentiles, in milliseconds. */
export interface LatencyProfile {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Latency per operation (the `X-Amz-Target` action, e.g. `TransactWriteItems`), and for all others. */
export interface WireLatency {
  readonly byOperation?: Readonly<Record<string, LatencyProfile>>;
  /** For operations not named in `byOperation`; none when absent. */
  readonly default?: LatencyProfile;
}

// The 99th percentile of the standard normal distribution.
const Z99 = 2.326_347_874;

/**
 * Draws request latencies from a log-normal distribution through each profile's p50 and p99 (service
 * latencies are right-skewed: most calls near the median, a long tail), seeded so a run can be repeated.
 *
 * @example
 * const sample = latencySampler({ default: { p50Ms: 8, p99Ms: 16 } }, 7);
 * sample('PutItem'); // e.g. 7.1
 */
export function latencySampler(latency: WireLatency, seed: number): (operation: string) => number {
  const random = seededRandom(seed);
  const normal = () => {
    // Box–Muller; 1 - u keeps the logarithm finite.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return (operation) => {
    const profile = (latency.byOperation && Object.hasOwn(latency.byOperation, operation) ? latency.byOperation[operation] : undefined) ?? latency.default;
    if (!profile) return 0;
    const sigma = Math.log(Math.max(profile.p99Ms, profile.p50Ms) / profile.p50Ms) / Z99;
    return profile.p50Ms * Math.exp(sigma * normal());
  };
}
