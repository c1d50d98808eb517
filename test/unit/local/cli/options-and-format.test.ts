import { InvalidArgumentError } from 'commander';
import { integerIn, parseRate } from '../../../../local/cli/commands/options.ts';
import { formatStatus } from '../../../../local/cli/commands/status.ts';
import { statusLine } from '../../../../local/cli/commands/dev/status-line.ts';

describe('CLI option parsers', () => {
  it.each([
    ['10', 10],
    ['10/s', 10],
    ['0.5/s', 0.5],
  ])('reads the rate %s as %d messages per second', (text, rate) => {
    // Assess
    expect(parseRate(text)).toBe(rate);
  });

  it.each(['0', 'fast', '-1/s', '10/m', ''])('rejects the rate "%s" saying what is expected', (text) => {
    // Assess
    expect(() => parseRate(text)).toThrow(new InvalidArgumentError(`expected messages per second like 10 or 10/s, got "${text}"`));
  });

  it('accepts integers in range only', () => {
    // Prepare
    const parse = integerIn(1, 5);
    // Assess
    expect(parse('5')).toBe(5);
    for (const bad of ['0', '6', '1.5', 'x', ' ']) expect(() => parse(bad)).toThrow(/expected an integer from 1 to 5/);
  });
});

describe('status output', () => {
  it('shows n/a where an age is unknown and - where a queue has no DLQ', () => {
    // Act
    const text = formatStatus(
      [
        { name: 'Orders', visible: 1200, inFlight: 10, delayed: 3, deadLetters: 2, oldestAgeSeconds: 42 },
        { name: 'Failures', visible: 0, inFlight: 0, delayed: 0 },
      ],
      [{ name: 'OrderStream', status: 'ACTIVE', shards: 4 }],
      { jobs: [] },
    );
    // Assess
    expect(text).toMatch(/^Orders\s+1,200\s+10\s+3\s+2\s+42 s$/m);
    expect(text).toMatch(/^Failures\s+0\s+0\s+0\s+-\s+n\/a$/m);
    expect(text).toMatch(/^OrderStream\s+ACTIVE\s+4\s+n\/a$/m);
    expect(text).toContain('batch jobs: none yet');
  });

  it('summarises every queue and what the consumers handled in one line', () => {
    // Act
    const line = statusLine([{ name: 'Orders', visible: 3, inFlight: 10, delayed: 0, deadLetters: 1 }], { messages: 120, records: 7 });
    // Assess
    expect(line).toBe('Orders 3 visible · 10 in flight · 0 delayed · DLQ 1 | 120 messages handled · 7 stream records');
  });
});
