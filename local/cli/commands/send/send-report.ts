import { formatCount } from '../../table.ts';
import type { BadInput } from './message-source.ts';

/** How many bad messages a report names one by one (the rest are counted). */
export const NAMED_PROBLEMS = 10;

/**
 * Collects the problems of a checking pass: all are counted, the first {@link NAMED_PROBLEMS} kept to
 * name, so a file with a million bad lines reports in a dozen lines and constant memory.
 *
 * @example
 * const problems = new ProblemList(); problems.add({ where: 'a.jsonl:3', problem: 'not valid JSON' });
 */
export class ProblemList {
  count = 0;
  readonly named: BadInput[] = [];

  add(problem: BadInput): void {
    this.count += 1;
    if (this.named.length < NAMED_PROBLEMS) this.named.push(problem);
  }

  /** One line per named problem, then how many more there are. */
  lines(indent = ''): string[] {
    const lines = this.named.map((p) => `${indent}${p.where}: ${p.problem}`);
    if (this.count > this.named.length) lines.push(`${indent}… and ${formatCount(this.count - this.named.length)} more`);
    return lines;
  }
}

/**
 * The report of a send that stopped part-way: exactly how many went out, which failed and why, and
 * which were not attempted, so the user can send the rest without sending anything twice.
 *
 * @example
 * throw new Error(stoppedSendReport({ sent: 24, total: 25, noun: 'message', destination: 'queue Orders (local)', failed, notAttempted: 0 }));
 */
export function stoppedSendReport(report: {
  sent: number;
  total: number;
  noun: 'message' | 'record';
  destination: string;
  failed: ProblemList;
  notAttempted: number;
  lastAttempted?: string;
  error?: Error;
}): string {
  const lines = [`sent ${formatCount(report.sent)} of ${formatCount(report.total)} ${report.noun}s to ${report.destination}, then stopped; not sent:`];
  lines.push(...report.failed.lines('  '));
  if (report.error) lines.push(`  ${report.error.name}: ${report.error.message}`);
  if (report.notAttempted > 0) {
    lines.push(`  the ${formatCount(report.notAttempted)} ${report.noun}${report.notAttempted === 1 ? '' : 's'} after ${report.lastAttempted ?? 'the start'} (not attempted: the send stops at the first failure)`);
  }
  return lines.join('\n');
}
