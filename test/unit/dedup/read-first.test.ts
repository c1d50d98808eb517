import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { readFirst, type ReadableDedupStore, type ReadFirstMode } from '../../../shared/dedup/read-first.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { FakeDedup } from '../queue/fake-dedup.ts';

/** FakeDedup with the read DedupStore offers; `stale` keys are done but the (eventually consistent) read misses them. */
class ReadableFakeDedup extends FakeDedup implements ReadableDedupStore {
  readonly stale = new Set<string>();
  reads = 0;

  async findCompleted(key: string) {
    this.reads += 1;
    return this.records.get(key) === 'COMPLETED' && !this.stale.has(key) ? { status: 'duplicate' as const } : undefined;
  }

  writes(): number {
    return this.calls.filter((call) => call.op === 'commitOnce' || call.op === 'claim').length;
  }
}

const twoItemEffect: TransactWriteItem[] = [{ Put: { TableName: 'orders', Item: {} } }, { Update: { TableName: 'totals', Key: {}, UpdateExpression: 'ADD n :one' } }];

/** `count` keys, each `duplicateEvery`-th a copy of an earlier one (0: all new). */
async function commitStream(store: ReturnType<typeof readFirst>, count: number, duplicateEvery: number, prefix: string) {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = duplicateEvery > 0 && i % duplicateEvery === duplicateEvery - 1 ? `${prefix}-${i - 1}` : `${prefix}-${i}`;
    outcomes.push((await store.commitOnce(key, twoItemEffect)).status);
  }
  return outcomes;
}

describe('readFirst: a duplicate can cost a read instead of a refused transaction', () => {
  it.each<[ReadFirstMode, number]>([
    ['never', 0],
    ['always', 200],
  ])('in %s mode makes %i reads for 200 keys, and answers exactly as the store alone would', async (mode, reads) => {
    // Prepare
    const plain = new ReadableFakeDedup();
    const inner = new ReadableFakeDedup();
    const store = readFirst(inner, mode);

    // Act: every fifth key is a copy of the one before it.
    const outcomes = await commitStream(store, 200, 5, 'k');
    const expected = await commitStream(readFirst(plain, 'never'), 200, 5, 'k');

    // Assess
    expect(outcomes).toEqual(expected);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(40);
    expect(inner.reads).toBe(reads);
    expect(inner.writes()).toBe(mode === 'always' ? 160 : 200);
  });

  it('in adaptive mode starts without reads, reads while duplicates are frequent, and stops when they stop', async () => {
    // Prepare
    const inner = new ReadableFakeDedup();
    const store = readFirst(inner, 'adaptive');

    // Act
    await commitStream(store, 100, 0, 'new');
    const readsWithoutDuplicates = inner.reads;
    await commitStream(store, 200, 5, 'dup');
    const readsWithDuplicates = inner.reads - readsWithoutDuplicates;
    const writesBefore = inner.writes();
    await commitStream(store, 300, 0, 'calm');
    const readsOfTheLast100 = inner.reads;
    await commitStream(store, 100, 0, 'calm2');

    // Assess: no reads on duplicate-free traffic; at 20 % duplicates most keys are read first; back to
    // duplicate-free traffic, reading stops (the estimate decays below half the break-even share).
    expect(readsWithoutDuplicates).toBe(0);
    expect(readsWithDuplicates).toBeGreaterThan(150);
    expect(writesBefore).toBeLessThan(300);
    expect(inner.reads - readsOfTheLast100).toBe(0);
    expect(store.duplicateShare).toBeLessThan(0.01);
  });

  it('lets the conditional write decide a key the read missed (a stale read), so a duplicate is still a duplicate', async () => {
    // Prepare
    const inner = new ReadableFakeDedup();
    const store = readFirst(inner, 'always');
    await store.commitOnce('o-1', twoItemEffect);
    inner.stale.add('o-1');

    // Act
    const again = await store.commitOnce('o-1', twoItemEffect);

    // Assess
    expect(again).toEqual({ status: 'duplicate' });
    expect(inner.calls.filter((call) => call.op === 'commitOnce')).toHaveLength(2);
  });

  it('reads before a claim too, and passes complete, release and completeWith through', async () => {
    // Prepare
    const inner = new ReadableFakeDedup();
    const store = readFirst(inner, 'always');

    // Act
    const first = await store.claim('c-1', { leaseMs: 1_000 });
    await store.complete('c-1', 'token-c-1');
    const second = await store.claim('c-1', { leaseMs: 1_000 });

    // Assess
    expect(first.status).toBe('claimed');
    expect(second).toEqual({ status: 'duplicate' });
    expect(inner.calls.map((call) => call.op)).toEqual(['claim', 'complete']);
  });

  it('refuses an unknown mode', () => {
    // Act
    const build = () => readFirst(new ReadableFakeDedup(), 'sometimes' as ReadFirstMode);

    // Assess
    expect(build).toThrow(ConfigurationError);
  });
});
