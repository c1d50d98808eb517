import type { QueueDepth } from '../../../../shared/queue/queue-depth.ts';
import { formatCount } from '../../table.ts';

/** What `sluice dlq list` knows about a DLQ: the queue's own counts, and how many messages it could read. */
export interface ListTotals {
  /** The DLQ's counts, read before the sample (the sample's own holds would count as in flight). */
  readonly depth: QueueDepth;
  /** Messages read (and grouped by reason). */
  readonly read: number;
  readonly max: number;
  readonly fifo: boolean;
}

/**
 * Why a list read fewer dead letters than the DLQ holds, each reason with its count. Empty when it read
 * them all.
 *
 * @example
 * unreadReasons({ depth: { visible: 0, inFlight: 20, delayed: 0 }, read: 0, max: 10_000, fifo: false }); // ['20 in flight are held by another reader …']
 */
export function unreadReasons(totals: ListTotals): string[] {
  const { depth, read } = totals;
  const total = depth.visible + depth.inFlight + depth.delayed;
  if (read >= total) return [];
  const reasons: string[] = [];
  if (read >= totals.max) reasons.push(`stopped at --max ${formatCount(totals.max)}`);
  if (depth.inFlight > 0) reasons.push(`${formatCount(depth.inFlight)} in flight are held by another reader (or a replay) until its visibility timeout ends`);
  if (depth.delayed > 0) reasons.push(`${formatCount(depth.delayed)} are delayed: not visible yet`);
  if (totals.fifo && read < depth.visible && read < totals.max) {
    reasons.push('a FIFO queue shows only the first messages of each message group until they are deleted');
  }
  if (reasons.length === 0) reasons.push('the counts are approximate and lag on AWS');
  return reasons;
}

/**
 * The heading of `sluice dlq list`: the DLQ's total from its attributes, and, when the sample is not
 * all of it, how many were read and why not more.
 *
 * @example
 * listHeading('Orders', 'local', { depth: { visible: 14, inFlight: 0, delayed: 0 }, read: 14, max: 10_000, fifo: false });
 * // 'Orders DLQ (local): 14 messages (14 visible, 0 in flight)'
 */
export function listHeading(queue: string, target: string, totals: ListTotals): string {
  const { depth, read } = totals;
  const total = depth.visible + depth.inFlight + depth.delayed;
  const counts = `${formatCount(depth.visible)} visible, ${formatCount(depth.inFlight)} in flight${depth.delayed > 0 ? `, ${formatCount(depth.delayed)} delayed` : ''}`;
  const heading = `${queue} DLQ (${target}): ${formatCount(total)} message${total === 1 ? '' : 's'} (${counts})`;
  const unread = unreadReasons(totals);
  return unread.length === 0 ? heading : `${heading}\nread ${formatCount(read)} of them: ${unread.join('; ')}`;
}
