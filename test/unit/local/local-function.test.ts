import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalFunction } from '../../../local/runtime/local-function.ts';
import { InvocationTimeoutError } from '../../../shared/errors.ts';

function definitionFor(source: string, timeoutSeconds = 1, environment: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fn-'));
  writeFileSync(join(dir, 'handler.mjs'), source);
  return { logicalId: 'Fn', functionName: `fn-${Math.random()}`, arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', entry: 'handler.mjs', modulePath: join(dir, 'handler.mjs'), handlerName: 'handler', timeoutSeconds, memoryLimitInMB: 256, environment };
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
});
