import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevState, removeDevState, stateFilePath, writeDevState, type DevState } from '../../../../local/cli/targets/dev-state.ts';

function devState(pid: number): DevState {
  return {
    pid,
    startedAt: '2026-11-25T08:00:00.000Z',
    region: 'us-east-1',
    endpoints: { sqs: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2' },
    outputs: { OrdersQueueUrl: 'http://127.0.0.1:1/000000000000/orders' },
  };
}

describe('the `sluice dev` state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-state-'));

  it('round-trips the state of a running process, in a directory it creates', () => {
    // Prepare
    const file = join(dir, 'nested', 'dev.json');
    // Act
    writeDevState(file, devState(process.pid));
    // Assess
    expect(readDevState(file)).toEqual(devState(process.pid));
  });

  it('tells how to start `sluice dev` when the file is missing or names a dead process', () => {
    // Prepare
    const file = join(dir, 'stale.json');
    writeDevState(file, devState(4_000_000));
    // Assess
    expect(() => readDevState(join(dir, 'missing.json'))).toThrow(/no running `sluice dev` found .* start one with `sluice dev`/);
    expect(() => readDevState(file, () => false)).toThrow(/names `sluice dev` process 4000000, which is not running: start `sluice dev` again/);
  });

  it('treats an unreadable file as missing', () => {
    // Prepare
    const file = join(dir, 'garbage.json');
    writeFileSync(file, '{"pid":');
    // Assess
    expect(() => readDevState(file)).toThrow(/no running `sluice dev` found/);
  });

  it('is removed only by the process that wrote it', () => {
    // Prepare
    const file = join(dir, 'owned.json');
    writeDevState(file, devState(process.pid));
    // Act
    removeDevState(file, process.pid + 1);
    const kept = existsSync(file);
    removeDevState(file, process.pid);
    // Assess
    expect(kept).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('defaults to .sluice/dev.json, overridden by SLUICE_STATE_FILE and then by the option', () => {
    // Assess
    expect(stateFilePath(undefined, {})).toBe(join(process.cwd(), '.sluice/dev.json'));
    expect(stateFilePath(undefined, { SLUICE_STATE_FILE: '/tmp/a.json' })).toBe('/tmp/a.json');
    expect(stateFilePath('/tmp/b.json', { SLUICE_STATE_FILE: '/tmp/a.json' })).toBe('/tmp/b.json');
  });
});
