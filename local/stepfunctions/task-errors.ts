import { InvocationTimeoutError } from '../../shared/errors.ts';

/**
 * An error as a Task state sees it: `name` is the Step Functions error name matched by Retry/Catch
 * `ErrorEquals`, `message` is the Cause. aws-local-stepfunctions reads both from the thrown error.
 *
 * @example
 * throw new TaskError('States.ItemReaderFailed', 'the manifest is not a JSON array');
 */
export class TaskError extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * Maps a local function's failure to what Step Functions reports for a Lambda task: the error name is
 * the function's `errorType` (the thrown error's name, as the Node.js runtime reports it), a timeout
 * is `Sandbox.Timedout`, and the cause is the JSON `{ errorType, errorMessage, trace }` Lambda returns.
 *
 * @example
 * try { await fn.invoke(payload); } catch (err) { throw lambdaTaskError(err); }
 */
export function lambdaTaskError(err: unknown): TaskError {
  const error = err instanceof Error ? err : new Error(String(err));
  const errorType = error instanceof InvocationTimeoutError ? 'Sandbox.Timedout' : error.name || 'Error';
  const trace = (error.stack ?? '').split('\n').slice(1).map((line) => line.trim());
  return new TaskError(errorType, JSON.stringify({ errorType, errorMessage: error.message, trace }));
}

/**
 * Maps an AWS SDK error of an optimized service integration (`arn:aws:states:::dynamodb:putItem`, …)
 * to the name Step Functions gives it: the service prefix and the exception name
 * (`DynamoDB.ConditionalCheckFailedException`).
 *
 * @example
 * throw serviceTaskError('DynamoDB', err);
 */
export function serviceTaskError(service: string, err: unknown): TaskError {
  const error = err instanceof Error ? err : new Error(String(err));
  return new TaskError(`${service}.${error.name}`, `${error.message} (Service: ${service}; Error Code: ${error.name})`);
}
