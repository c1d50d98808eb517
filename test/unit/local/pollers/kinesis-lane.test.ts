import type { KinesisStreamRecord, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { KinesisLane, type KinesisPollerStats, type LaneEnvironment } from '../../../../local/pollers/kinesis-lane.ts';
import { kinesisMappingSettings, type KinesisMappingProperties } from '../../../../local/pollers/kinesis-mapping.ts';
import { kinesisRecord, orderEvent } from '../../../helpers/kinesis-events.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function newStats(): KinesisPollerStats {
  return { fetched: 0, filtered: 0, delivered: 0, invocations: 0, finalInvocations: 0, functionErrors: 0, partialFailures: 0, bisections: 0, discarded: 0, discardedWindows: 0 };
}

/** A lane over a scripted function, with a clock the test sets. */
function laneWith(mapping: Partial<KinesisMappingProperties>, fn: (event: KinesisStreamTumblingWindowEvent) => unknown) {
  const clock = { now: T0 };
  const events: KinesisStreamTumblingWindowEvent[] = [];
  const discarded: { sequenceNumbers: string[]; condition: string; invokeCount: number }[] = [];
  const env: LaneEnvironment = {
    settings: kinesisMappingSettings({ EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', StartingPosition: 'TRIM_HORIZON', ...mapping }),
    shardId: 'shardId-000000000000',
    clock: { now: () => clock.now },
    async invoke(event) {
      const copy = structuredClone(event) as KinesisStreamTumblingWindowEvent;
      events.push(copy);
      return fn(copy);
    },
    async discard(records, condition, invokeCount) {
      discarded.push({ sequenceNumbers: records.map((r) => r.kinesis.sequenceNumber), condition, invokeCount });
    },
  };
  const lane = new KinesisLane(env, newStats());
  /**
   * Runs steps until the lane has nothing to do (retries back off in real time, so wait for them).
   * `caughtUpReadAt`: when the reader's last caught-up read was sent (default: now, on the test's clock).
   */
  const drain = async (caughtUpReadAt: number | undefined = clock.now) => {
    for (let i = 0; i < 200; i += 1) {
      if (!(await lane.step(caughtUpReadAt))) {
        if (lane.buffered === 0) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  };
  /** Runs steps until the lane is idle: nothing buffered and no ended window owing its final invocation (bounded). */
  const settle = async () => {
    for (let i = 0; i < 100 && !lane.idle(); i += 1) {
      if (!(await lane.step(clock.now))) await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { lane, clock, events, discarded, drain, settle };
}

const at = (offsetMs: number) => kinesisRecord(orderEvent(), { arrivalMs: T0 + offsetMs });
const countingState = (event: KinesisStreamTumblingWindowEvent) => ({ state: { count: Number(event.state?.count ?? 0) + event.Records.length } });

describe('KinesisLane tumbling windows', () => {
  it('never mixes windows in a batch, carries state within a window and ends each window with a final invocation', async () => {
    // Prepare: three records in the window [0 s, 10 s), two in [10 s, 20 s)
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10, BatchSize: 2 }, countingState);
    lane.push([at(1_000), at(2_000), at(3_000), at(11_000), at(12_000)]);
    // Act
    await drain();
    clock.now = T0 + 20_000;
    await drain();
    // Assess
    expect(events.map((e) => [e.window.start.slice(17, 19), e.Records.length, e.state, e.isFinalInvokeForWindow])).toEqual([
      ['00', 2, {}, false],
      ['00', 1, { count: 2 }, false],
      ['00', 0, { count: 3 }, true],
      ['10', 2, {}, false],
      ['10', 0, { count: 2 }, true],
    ]);
  });

  it('hands the window state back as Lambda keeps it: a JSON copy, never the function’s own object', async () => {
    // Prepare: the function returns state that JSON changes (a Date, an undefined field)
    const returned: Record<string, unknown>[] = [];
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10, BatchSize: 1 }, () => {
      const state = { at: new Date(T0), gone: undefined, nested: { n: 1 } };
      returned.push(state);
      return { state };
    });
    lane.push([at(1_000), at(2_000)]);
    // Act
    await drain();
    clock.now = T0 + 10_000;
    await drain();
    // Assess
    expect(events.map((e) => e.state)).toEqual([{}, { at: '2026-01-01T00:00:00.000Z', nested: { n: 1 } }, { at: '2026-01-01T00:00:00.000Z', nested: { n: 1 } }]);
    expect(Object.keys(events[1]!.state!)).toEqual(['at', 'nested']);
  });

  it('does not end a window before the clock passes its end', async () => {
    // Prepare
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10 }, countingState);
    lane.push([at(1_000)]);
    // Act
    clock.now = T0 + 9_999;
    await drain();
    const beforeEnd = events.filter((e) => e.isFinalInvokeForWindow).length;
    clock.now = T0 + 10_000;
    await drain();
    // Assess
    expect(beforeEnd).toBe(0);
    expect(events.filter((e) => e.isFinalInvokeForWindow)).toHaveLength(1);
    expect(lane.idle()).toBe(true);
  });

  it('does not end a window on a caught-up read sent before its end, so a record put just before the end joins the window', async () => {
    // Prepare: a record of [0 s, 10 s) is delivered; the reader's last read, sent at 9.9 s, found the shard caught up
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10 }, countingState);
    lane.push([at(1_000)]);
    await drain(T0 + 1_000);
    // Act: the clock passes the window's end before the next read, which brings a record put at 9.95 s;
    // then a read sent after the end finds the shard caught up
    clock.now = T0 + 10_050;
    await drain(T0 + 9_900);
    lane.push([at(9_950)]);
    await drain(undefined);
    await drain(T0 + 10_060);
    // Assess: one final invocation for the window, after both records
    const finals = events.filter((e) => e.isFinalInvokeForWindow);
    expect(finals.map((e) => [e.window.start, e.state])).toEqual([['2026-01-01T00:00:00Z', { count: 2 }]]);
    expect(lane.idle()).toBe(true);
  });

  it('gives up on a final invocation after MaximumRetryAttempts, reports the window to the on-failure destination and moves on', async () => {
    // Prepare: every final invocation fails; two retries allowed
    const { lane, clock, events, discarded, settle } = laneWith({ TumblingWindowInSeconds: 10, MaximumRetryAttempts: 2 }, (event) => {
      if (event.isFinalInvokeForWindow) throw new Error('final invocation failed');
      return countingState(event);
    });
    const window0 = [at(1_000), at(2_000), at(3_000)];
    lane.push(window0);
    await settle();
    // Act: the window ends, then a record of the next window arrives
    clock.now = T0 + 10_000;
    await settle();
    lane.push([at(12_000)]);
    await settle();
    // Assess
    expect(events.filter((e) => e.isFinalInvokeForWindow)).toHaveLength(3);
    expect(discarded).toEqual([{ sequenceNumbers: [window0[0]!.kinesis.sequenceNumber, window0[2]!.kinesis.sequenceNumber], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
    expect(events.at(-1)).toMatchObject({ isFinalInvokeForWindow: false, state: {}, window: { start: '2026-01-01T00:00:10Z' } });
  });

  it('gives up on a final invocation once the window’s last record is older than MaximumRecordAgeInSeconds', async () => {
    // Prepare: final invocations fail, retries are unlimited, records may be 60 s old
    const { lane, clock, events, discarded, settle } = laneWith({ TumblingWindowInSeconds: 10, MaximumRecordAgeInSeconds: 60 }, (event) => {
      if (event.isFinalInvokeForWindow) throw new Error('final invocation failed');
      return countingState(event);
    });
    lane.push([at(1_000), at(2_000)]);
    await settle();
    clock.now = T0 + 10_000;
    await lane.step(clock.now);
    const finalsBefore = events.filter((e) => e.isFinalInvokeForWindow).length;
    // Act: the window's last record (2 s) is now more than 60 s old
    clock.now = T0 + 62_001;
    await settle();
    // Assess
    expect(finalsBefore).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.isFinalInvokeForWindow)).toHaveLength(finalsBefore);
    expect(discarded.map((d) => d.condition)).toEqual(['RecordAgeExceeded']);
    expect(lane.idle()).toBe(true);
  });

  it('treats a window response without state as a failure and retries with the previous state', async () => {
    // Prepare
    let calls = 0;
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10 }, (event) => (++calls === 1 ? {} : countingState(event)));
    lane.push([at(1_000)]);
    // Act
    clock.now = T0 + 10_000;
    await drain();
    // Assess
    expect(events.map((e) => [e.Records.length, e.state])).toEqual([
      [1, {}],
      [1, {}],
      [0, { count: 1 }],
    ]);
  });

  it('ends the window early when the returned state is over 1 MB and continues it with fresh state', async () => {
    // Prepare
    const big = 'x'.repeat(1024 * 1024);
    let batches = 0;
    const { lane, clock, events, drain } = laneWith({ TumblingWindowInSeconds: 10, BatchSize: 1 }, (event) =>
      event.isFinalInvokeForWindow ? { state: {} } : { state: { blob: ++batches === 1 ? big : 'small' } },
    );
    lane.push([at(1_000), at(2_000)]);
    // Act
    clock.now = T0 + 10_000;
    await drain();
    // Assess
    expect(events.map((e) => [e.Records.length, e.isFinalInvokeForWindow, e.isWindowTerminatedEarly, JSON.stringify(e.state).length > 1e6])).toEqual([
      [1, false, false, false],
      [0, true, true, true],
      [1, false, false, false],
      [0, true, false, false],
    ]);
  });
});

describe('KinesisLane failures', () => {
  it('retries a failing batch MaximumRetryAttempts times, then discards it to the on-failure destination', async () => {
    // Prepare
    const { lane, events, discarded, drain } = laneWith({ MaximumRetryAttempts: 2 }, () => {
      throw new Error('always');
    });
    const records: KinesisStreamRecord[] = [at(0), at(1)];
    lane.push(records);
    // Act
    await drain();
    // Assess
    expect(events).toHaveLength(3);
    expect(discarded).toEqual([{ sequenceNumbers: records.map((r) => r.kinesis.sequenceNumber), condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
  });

  it('fails the whole batch when a reported item identifier is not in it', async () => {
    // Prepare
    let calls = 0;
    const { lane, events, drain } = laneWith({ FunctionResponseTypes: ['ReportBatchItemFailures'] }, () =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : { batchItemFailures: [] },
    );
    lane.push([at(0), at(1)]);
    // Act
    await drain();
    // Assess
    expect(events.map((e) => e.Records.length)).toEqual([2, 2]);
  });

  it('ignores batchItemFailures when the mapping does not report them', async () => {
    // Prepare
    const { lane, events, drain } = laneWith({}, (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] }));
    lane.push([at(0), at(1)]);
    // Act
    await drain();
    // Assess
    expect(events).toHaveLength(1);
  });
});

describe('KinesisLane batching', () => {
  it("keeps a batch's event under Lambda's 6 MB payload limit whatever the BatchSize", async () => {
    // Prepare: eight records of ~1 MB data (base64) each
    const { lane, events, drain } = laneWith({ BatchSize: 100 }, () => undefined);
    lane.push(Array.from({ length: 8 }, () => kinesisRecord('z'.repeat(750_000))));
    // Act
    await drain();
    // Assess
    expect(events.map((e) => e.Records.length)).toEqual([6, 2]);
  });
});
