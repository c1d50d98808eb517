import { SluiceError } from '../../../../shared/errors.ts';
import { formatCount } from '../../table.ts';
import { UsageError } from '../usage-error.ts';
import type { MessageSource, Outgoing } from './message-source.ts';
import { ProblemList } from './send-report.ts';

/**
 * Checks every message of a source before the first is sent: `check` returns what is wrong with one
 * (or throws a SluiceError saying so). Reading streams, so memory stays flat.
 *
 * @returns how many messages there are.
 * @throws UsageError naming the first bad messages and counting the rest ("nothing was sent"), or when there are none.
 * @example
 * const total = await checkAll(source, (m) => (JSON.stringify(m.payload).length > 10 ? 'too long' : undefined));
 */
export async function checkAll(source: MessageSource, check: (message: Outgoing) => string | undefined): Promise<number> {
  const problems = new ProblemList();
  let count = 0;
  for await (const message of source.messages()) {
    count += 1;
    if ('problem' in message) {
      problems.add(message);
      continue;
    }
    let problem: string | undefined;
    try {
      problem = check(message);
    } catch (err) {
      if (!(err instanceof SluiceError)) throw err;
      problem = err.message;
    }
    if (problem !== undefined) problems.add({ where: message.where, problem });
  }
  if (problems.count > 0) {
    throw new UsageError([`${formatCount(problems.count)} of ${formatCount(count)} messages are invalid; nothing was sent`, ...problems.lines()].join('\n'));
  }
  if (count === 0) throw new UsageError('no messages to send: expected one JSON value per line');
  return count;
}
