/**
 * A bad command line: the CLI prints its one-line message (what is wrong, what is expected) and exits 2,
 * as commander does for its own parse errors.
 *
 * @example
 * throw new UsageError('--file and --count are exclusive: give one of them');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
