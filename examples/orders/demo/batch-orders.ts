import type { JobSpecInput } from 'sluice/batch';
import type { BatchRecord } from 'sluice/batch';

/**
 * Deterministic generated orders (a linear congruential generator, so a run and an independent
 * computation see the same data without storing it). `id` is the record's position.
 *
 * @example
 * const records = [...generateOrders(50_000, 7)];
 */
export function* generateOrders(count: number, seed = 1): Generator<BatchRecord> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
  const regions = ['eu', 'us', 'ap', 'sa', 'af'];
  for (let n = 0; n < count; n++) {
    yield {
      id: n,
      region: regions[next() % regions.length],
      customer: `c-${next() % 5_000}`,
      amount: next() % 100_000,
      day: 1 + (next() % 28),
    };
  }
}

/** One group as computed in a single pass over the orders, without sluice's code. */
export interface ExpectedGroup {
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly customers: Set<string>;
  /** The `k` largest amounts, descending. */
  readonly topAmounts: number[];
}

/**
 * The expected result of a job grouping orders by `region` (count, sum/min/max/mean of `amount`,
 * distinct `customer`, top-k by `amount`) and sorting them by `amount` ascending, folded record by
 * record as they are generated: memory is one small state per group plus two numbers per record
 * (for the expected sort order), so it scales to millions of records.
 *
 * @example
 * const expected = new SinglePassOrders(3);
 * for (const order of generateOrders(100_000, 1)) expected.add(order);
 * expected.groups.get('eu')!.sum;
 */
export class SinglePassOrders {
  readonly groups = new Map<string, ExpectedGroup>();
  private amounts: number[] = [];

  constructor(private readonly topK: number) {}

  add(order: BatchRecord): void {
    const amount = order.amount as number;
    const region = order.region as string;
    let g = this.groups.get(region);
    if (!g) {
      g = { count: 0, sum: 0, min: Infinity, max: -Infinity, customers: new Set(), topAmounts: [] };
      this.groups.set(region, g);
    }
    g.count += 1;
    g.sum += amount;
    g.min = Math.min(g.min, amount);
    g.max = Math.max(g.max, amount);
    g.customers.add(order.customer as string);
    if (g.topAmounts.length < this.topK || amount > g.topAmounts[g.topAmounts.length - 1]!) {
      g.topAmounts.push(amount);
      g.topAmounts.sort((a, b) => b - a);
      if (g.topAmounts.length > this.topK) g.topAmounts.pop();
    }
    this.amounts.push(amount);
  }

  get records(): number {
    return this.amounts.length;
  }

  /** Record ids (input positions) in ascending `amount` order, ties in input order (a stable sort). */
  sortedIds(): Uint32Array {
    const amounts = Float64Array.from(this.amounts);
    return Uint32Array.from({ length: amounts.length }, (_, i) => i).sort((a, b) => amounts[a]! - amounts[b]! || a - b);
  }
}

/**
 * The aggregates every batch run over generated orders asks for (demo, tests, benchmark): one of each
 * kind, so each kind's merge is exercised end to end.
 *
 * @example
 * const spec = { ...rest, groupBy: 'region', aggregates: orderAggregates(3) };
 */
export function orderAggregates(topK: number): JobSpecInput['aggregates'] {
  return [
    { op: 'count' },
    { op: 'sum', field: 'amount' },
    { op: 'min', field: 'amount' },
    { op: 'max', field: 'amount' },
    { op: 'mean', field: 'amount' },
    { op: 'distinct', field: 'customer' },
    { op: 'topK', by: 'amount', k: topK },
  ];
}
