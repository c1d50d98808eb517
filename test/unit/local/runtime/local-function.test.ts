import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFunctionOutput } from '../../../../local/runtime/function-output.ts';
import { createLocalFunction } from '../../../../local/runtime/local-function.ts';
import { RuntimeEvents, type InvocationRecord } from '../../../../local/runtime/runtime-events.ts';
import { InvocationTimeoutError } from '../../../../shared/errors.ts';

function definitionFor(source: string, timeoutSeconds = 1, environment: Record<string, string> = {}, logicalId = 'Fn') {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fn-'));
  writeFileSync(join(dir, 'handler.mjs'), source);
  return { logicalId, functionName: `fn-${Math.random()}`, arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', entry: 'handler.mjs', modulePath: join(dir, 'handler.mjs'), handlerName: 'handler', timeoutSeconds, memoryLimitInMB: 256, environment };
}

describe('createLocalFunction', () => {
  it('gives the handler a Lambda context whose remaining time counts down from the timeout', async () => {
    // Prepare
    const fn = createLocalFunction(definitionFor('export const handler = async (_e, ctx) => ({ remaining: ctx.getRemainingTimeInMillis(), name: ctx.functionName });', 2));
    // Act
    const out = (await fn.invoke({})) as { remaining: number; name: string };
    // Assess
    expect(out.remaining).toBeGreaterThan(1500);
    expect(out.remaining).toBeLessThanOrEqual(2000);
    expect(out.name).toBe(fn.functionName);
  });

  it('rejects with InvocationTimeoutError when the handler runs past its timeout', async () => {
    // Prepare
    const fn = createLocalFunction(definitionFor('export const handler = () => new Promise((r) => setTimeout(r, 600));', 0.2));
    // Act / Assess
    await expect(fn.invoke({})).rejects.toBeInstanceOf(InvocationTimeoutError);
  });

  it('loads the module with the function environment applied at module scope, then restores process.env', async () => {
    // Prepare
    const fn = createLocalFunction(definitionFor('const table = process.env.SLUICE_TEST_TABLE; export const handler = async () => table;', 1, { SLUICE_TEST_TABLE: 'orders-local' }));
    // Act
    const out = await fn.invoke({});
    // Assess
    expect(out).toBe('orders-local');
    expect(process.env.SLUICE_TEST_TABLE).toBeUndefined();
  });

  it('passes the handler error through unchanged', async () => {
    // Prepare
    const fn = createLocalFunction(definitionFor('export const handler = async () => { throw new TypeError("bad input"); };'));
    // Act / Assess
    await expect(fn.invoke({})).rejects.toThrow('bad input');
  });

  it("counts invocations, errors and timeouts as Lambda's metrics do, and announces each invocation", async () => {
    // Prepare: fails on demand, never answers on demand (so it always times out, however fast the machine).
    const events = new RuntimeEvents();
    const seen: InvocationRecord[] = [];
    events.on('invocation', (record) => seen.push(record));
    const source = 'export const handler = async (e) => { if (e.fail) throw new RangeError("no"); if (e.hang) await new Promise(() => {}); return "ok"; };';
    const fn = createLocalFunction({ ...definitionFor(source, 0.2), events });

    // Act
    await fn.invoke({});
    await fn.invoke({ fail: true }).catch(() => undefined);
    await fn.invoke({ hang: true }).catch(() => undefined);

    // Assess
    expect(fn.stats).toMatchObject({ invocations: 3, errors: 2, timeouts: 1, lastError: 'InvocationTimeoutError: Task timed out after 0.20 seconds' });
    expect(seen.map((r) => [r.functionLogicalId, r.outcome, r.error])).toEqual([
      ['Fn', 'succeeded', undefined],
      ['Fn', 'failed', 'RangeError: no'],
      ['Fn', 'timed-out', 'InvocationTimeoutError: Task timed out after 0.20 seconds'],
    ]);
    expect(seen.every((r) => r.durationMs >= 0 && r.requestId.length > 0)).toBe(true);
  });

  it('keeps each function its own last log lines when two run at once and output capture is on', async () => {
    // Prepare: each writes, yields to the other, writes again.
    captureFunctionOutput();
    const source = (name: string) =>
      `export const handler = async () => { process.stderr.write("${name} starts\\n"); await new Promise((r) => setTimeout(r, 20)); process.stderr.write("${name} ends\\n"); };`;
    const a = createLocalFunction(definitionFor(source('a'), 1, {}, 'A'));
    const b = createLocalFunction(definitionFor(source('b'), 1, {}, 'B'));

    // Act
    await Promise.all([a.invoke({}), b.invoke({})]);

    // Assess
    expect(a.recentLogs().map((l) => [l.functionLogicalId, l.stream, l.line])).toEqual([
      ['A', 'stderr', 'a starts'],
      ['A', 'stderr', 'a ends'],
    ]);
    expect(b.recentLogs().map((l) => l.line)).toEqual(['b starts', 'b ends']);
  });
});
