import { formatCount } from '../../table.ts';
import { PartialSendError } from '../../../../shared/errors.ts';
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
 * The account of one send: how many were sent and attempted, what failed and why. A send stops at its
 * first failure; {@link finish} then throws the report: exactly how many went out, which failed and why,
 * and which were not attempted, so the user can send the rest without sending anything twice.
 *
 * @example
 * const ledger = new SendLedger();
 * ledger.attempt(batch); try { await send(batch); ledger.sent += batch.length; } catch (err) { ledger.fail(batch, err, 'SQS'); }
 * return ledger.finish({ total, noun: 'message', destination: 'queue Orders (local)' });
 */
export class SendLedger {
  sent = 0;
  #attempted = 0;
  #lastAttempted: string | undefined;
  readonly #failed = new ProblemList();
  #error: Error | undefined;

  get stopped(): boolean {
    return this.#failed.count > 0 || this.#error !== undefined;
  }

  /** Counts a batch as attempted (whatever comes of it). */
  attempt(batch: readonly { where: string }[]): void {
    this.#attempted += batch.length;
    this.#lastAttempted = batch.at(-1)?.where ?? this.#lastAttempted;
  }

  /**
   * Records a batch that was not fully accepted: with a PartialSendError the entries it names failed
   * and the rest were sent; any other error sent none of it.
   */
  fail(batch: readonly { id: string; where: string }[], err: unknown, service: string): void {
    if (!(err instanceof PartialSendError)) {
      this.#error ??= err as Error;
      return;
    }
    const where = new Map(batch.map((m) => [m.id, m.where]));
    this.sent += batch.length - err.failed.length;
    for (const f of err.failed) this.#failed.add({ where: where.get(f.id) ?? f.id, problem: `refused by ${service}: ${f.code ?? 'error'}: ${f.message ?? ''}` });
  }

  /**
   * @returns how many were sent.
   * @throws Error with the report when the send stopped.
   */
  finish(report: { total: number; noun: 'message' | 'record'; destination: string }): number {
    if (!this.stopped) return this.sent;
    const lines = [`sent ${formatCount(this.sent)} of ${formatCount(report.total)} ${report.noun}s to ${report.destination}, then stopped; not sent:`];
    lines.push(...this.#failed.lines('  '));
    if (this.#error) lines.push(`  ${this.#error.name}: ${this.#error.message}`);
    const notAttempted = report.total - this.#attempted;
    if (notAttempted > 0) {
      lines.push(`  the ${formatCount(notAttempted)} ${report.noun}${notAttempted === 1 ? '' : 's'} after ${this.#lastAttempted ?? 'the start'} (not attempted: the send stops at the first failure)`);
    }
    throw new Error(lines.join('\n'));
  }
}
