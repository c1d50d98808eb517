import { bytesByPackage } from '../../../bench/cold-start.ts';
import { ownerOfUrl, selfTimeByOwner } from '../../../bench/cpu-profile-summary.ts';
import { orderMessages } from '../../../bench/order-messages.ts';
import { perDuplicate } from '../../../bench/queue-scenarios.ts';
import { OrderJob } from '../../../examples/orders/lib/order-schema.ts';

describe('orderMessages', () => {
  it('makes the requested share of copies, each a copy of an order from the first half, queued after every original', () => {
    // Act
    const { bodies, unique } = orderMessages({ count: 1000, duplicateShare: 0.2, runId: 'r' });
    // Assess
    expect(bodies).toHaveLength(1000);
    expect(unique).toBe(800);
    expect(new Set(bodies).size).toBe(800);
    const firstHalf = new Set(bodies.slice(0, 400));
    expect(bodies.slice(800).every((b) => firstHalf.has(b))).toBe(true);
  });

  it('makes orders the OrderJob schema accepts', () => {
    const { bodies } = orderMessages({ count: 50, duplicateShare: 0, runId: 'r' });
    expect(bodies.every((b) => OrderJob.safeParse(JSON.parse(b)).success)).toBe(true);
  });
});

describe('perDuplicate', () => {
  it('charges what the run spent beyond its first-time messages to its copies', () => {
    // 800 first-time messages at 2 requests and 200 copies at 1 request.
    expect(perDuplicate({ total: 1800, messages: 1000, unique: 800 }, 2)).toBe(1);
  });

  it('refuses a run without copies', () => {
    expect(() => perDuplicate({ total: 10, messages: 5, unique: 5 }, 2)).toThrow(/no duplicates/);
  });
});

describe('bytesByPackage', () => {
  it('groups bundle inputs by package, scoped packages included, largest first', () => {
    // Act
    const groups = bytesByPackage({
      'node_modules/zod/v4/a.js': { bytesInOutput: 5 },
      'node_modules/zod/v4/b.js': { bytesInOutput: 5 },
      'node_modules/@smithy/core/x.js': { bytesInOutput: 3 },
      'shared/orders/schema.ts': { bytesInOutput: 1 },
    });
    // Assess
    expect(groups).toEqual([['zod', 10], ['@smithy/core', 3], ['shared/', 1]]);
  });
});

describe('CPU profile summary', () => {
  it('names the owner of a frame: package, our folder, Node or a V8 pseudo-frame', () => {
    expect(ownerOfUrl('file:///repo/node_modules/@smithy/core/dist/index.js', 'f', '/repo')).toBe('@smithy/core');
    expect(ownerOfUrl('file:///repo/shared/dedup/store.ts?x=1', 'claim', '/repo')).toBe('shared/');
    expect(ownerOfUrl('node:internal/http', 'f', '/repo')).toBe('node (internals)');
    expect(ownerOfUrl('', '(garbage collector)', '/repo')).toBe('(garbage collector)');
  });

  it('shares self time by owner, weighted by the time between samples', () => {
    // Prepare
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
        { id: 2, callFrame: { functionName: 'send', url: 'file:///repo/node_modules/@smithy/core/i.js', lineNumber: 0 } },
      ],
      samples: [1, 2, 2],
      timeDeltas: [50, 25, 25],
    };
    // Act
    const shares = selfTimeByOwner(profile, '/repo');
    // Assess
    expect(shares).toEqual([['(idle)', 0.5], ['@smithy/core', 0.5]]);
  });
});
