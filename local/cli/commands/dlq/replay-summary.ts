import { formatCount } from '../../table.ts';
import type { ReplayResult } from './replay.ts';

/**
 * Exit codes of `sluice dlq replay` beyond 0 (done: nothing left but what it was asked to leave),
 * 1 (an error stopped it) and 2 (bad arguments).
 */
export const REPLAY_EXIT = {
  /** Dead letters are left that this replay should have moved: unreplayable, held by another reader, behind a FIFO group's head. */
  incomplete: 3,
  interrupted: 130,
} as const;

/** How many unreplayable dead letters the summary names one by one. */
const NAMED = 10;

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** What `sluice dlq replay` prints and how it exits. */
export interface ReplaySummary {
  /** For stdout: the replayed count and the count left, then one line per reason something was left. */
  readonly text: string;
  /** For stderr: a `--filter` that matched no reason seen, with the reasons there are. */
  readonly hint?: string;
  readonly exitCode: number;
}

/**
 * The summary of a replay: how many were replayed, how many are left in the DLQ (its count after the
 * replay), and why each of them is left.
 *
 * @example
 * const { text, exitCode } = replaySummary(result, { queue: 'Orders', left: 3, filter: 'malformed' });
 */
export function replaySummary(result: ReplayResult, context: { queue: string; left: number; filter?: string }): ReplaySummary {
  const lines = [
    `replayed ${plural(result.replayed, 'dead letter')} from the ${context.queue} DLQ to ${context.queue}` +
      `${result.interrupted ? ' (interrupted)' : ''}; ${formatCount(context.left)} left in the DLQ${context.filter !== undefined ? ` (--filter ${context.filter})` : ''}`,
  ];
  const why = (n: number, text: string) => {
    if (n > 0) lines.push(`  ${formatCount(n)} ${text}`);
  };
  const bad = result.unreplayable;
  if (bad.length === 1) why(1, `cannot be replayed: ${bad[0]!.messageId}: ${bad[0]!.problem}`);
  else if (bad.length > 1) {
    why(bad.length, 'cannot be replayed:');
    for (const { messageId, problem } of bad.slice(0, NAMED)) lines.push(`    ${messageId}: ${problem}`);
    if (bad.length > NAMED) lines.push(`    … and ${formatCount(bad.length - NAMED)} more`);
  }
  why(result.filteredOut, `not matching --filter ${context.filter}`);
  why(result.newer, 'dead-lettered after the replay began (left for the next replay)');
  const unreached = result.unreached;
  if (unreached) {
    why(unreached.inFlight, 'held by another reader (they come back when its visibility timeout ends: replay again then)');
    why(
      unreached.visible,
      result.fifo
        ? 'behind the head of their FIFO message group (SQS hands out a group in order; its head is one left above or held by another reader)'
        : 'visible but not received before --wait ran out (the counts lag on AWS)',
    );
    why(unreached.delayed, 'delayed: not visible yet');
  }
  const missed = unreached ? unreached.inFlight + unreached.visible + unreached.delayed : 0;
  const exitCode = result.error ? 1 : result.interrupted ? REPLAY_EXIT.interrupted : bad.length > 0 || missed > 0 ? REPLAY_EXIT.incomplete : 0;
  return { text: lines.join('\n'), exitCode, ...filterHint(result, context.filter) };
}

/** A hint when `--filter` matched none of the reasons seen (a typo, the wrong case). */
function filterHint(result: ReplayResult, filter: string | undefined): { hint?: string } {
  if (filter === undefined || result.reasons.has(filter) || result.reasons.size === 0) return {};
  const seen = [...result.reasons].sort(([, a], [, b]) => b - a);
  const close = seen.find(([reason]) => reason.toLowerCase() === filter.toLowerCase());
  return {
    hint: `no dead letter has the reason "${filter}"${close ? `; did you mean "${close[0]}"?` : ''} (reasons: ${seen.map(([reason, n]) => `${reason} ${formatCount(n)}`).join(', ')})`,
  };
}
