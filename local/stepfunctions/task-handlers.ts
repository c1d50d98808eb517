import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalFunction } from '../runtime/local-function.ts';
import type { AslState } from './definition.ts';
import { lambdaTaskError, serviceTaskError, TaskError } from './task-errors.ts';

/** What a Task state does locally, given its effective input (after InputPath and Parameters). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

export interface TaskBindings {
  /** The local function behind a Lambda ARN (unqualified). */
  functionsByArn(arn: string): LocalFunction | undefined;
  /** For `arn:aws:states:::dynamodb:*` tasks. */
  readonly dynamodb?: DynamoDBClient;
}

/** Step Functions' limit on a state's input or output. */
const MAX_PAYLOAD_BYTES = 262_144;

const dynamoActions: Record<string, new (input: never) => Parameters<DynamoDBClient['send']>[0]> = {
  putItem: PutItemCommand as never,
  getItem: GetItemCommand as never,
  updateItem: UpdateItemCommand as never,
  deleteItem: DeleteItemCommand as never,
};

/**
 * Builds the local handler of one Task state from its `Resource`:
 * - a Lambda function ARN (the `payloadResponseOnly` form): invokes the local function with the input,
 *   the output is its result;
 * - `arn:aws:states:::lambda:invoke`: invokes `Parameters.FunctionName` with `Payload`, the output is
 *   Lambda's Invoke response (`{ ExecutedVersion, Payload, StatusCode, … }`) as on AWS;
 * - `arn:aws:states:::dynamodb:putItem|getItem|updateItem|deleteItem`: the API call with the
 *   Parameters as its input (errors named `DynamoDB.<Exception>`).
 * Function errors surface with the function's errorType as the error name (see {@link lambdaTaskError});
 * a result above 256 KiB fails with `States.DataLimitExceeded`.
 *
 * @example
 * const handler = taskHandler('Split', state, { functionsByArn, dynamodb });
 */
export function taskHandler(stateName: string, state: AslState, bindings: TaskBindings): TaskHandler {
  const resource = String(state.Resource);
  if (resource.startsWith('arn:aws:lambda:') || /^arn:[\w-]+:lambda:/.test(resource)) {
    return async (input) => invokeFunction(resolveFunction(stateName, resource, bindings), input);
  }
  const integration = /^arn:[\w-]+:states:::(.+)$/.exec(resource)?.[1];
  if (integration === 'lambda:invoke') {
    return async (input) => {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
      const output = await invokeFunction(resolveFunction(stateName, FunctionName, bindings), Payload ?? {});
      return {
        ExecutedVersion: '$LATEST',
        Payload: output,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: 'local' },
        StatusCode: 200,
      };
    };
  }
  const dynamo = /^dynamodb:(\w+)$/.exec(integration ?? '')?.[1];
  if (dynamo && Object.hasOwn(dynamoActions, dynamo)) {
    return async (input) => {
      if (!bindings.dynamodb) throw new TaskError('States.Runtime', `${stateName}: no DynamoDB client configured for ${resource}`);
      try {
        const { $metadata: _metadata, ...output } = (await bindings.dynamodb.send(new dynamoActions[dynamo]!(input as never))) as unknown as Record<string, unknown>;
        return output;
      } catch (err) {
        throw serviceTaskError('DynamoDB', err);
      }
    };
  }
  return async () => {
    throw new TaskError('States.Runtime', `${stateName}: resource ${resource} is not supported by the local runner`);
  };
}

function resolveFunction(stateName: string, nameOrArn: string, bindings: TaskBindings): LocalFunction {
  // Qualified ARNs (…:function:name:alias) run the one local version.
  const unqualified = nameOrArn.split(':').slice(0, 7).join(':');
  const fn = bindings.functionsByArn(nameOrArn) ?? bindings.functionsByArn(unqualified);
  if (!fn) throw new TaskError('Lambda.ResourceNotFoundException', `${stateName}: function ${nameOrArn} is not a local function`);
  return fn;
}

async function invokeFunction(fn: LocalFunction, payload: unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = await fn.invoke(payload);
  } catch (err) {
    throw lambdaTaskError(err);
  }
  // The payload crosses a JSON boundary on AWS: undefined becomes null, Dates strings, and so on.
  const json = JSON.stringify(result ?? null);
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new TaskError('States.DataLimitExceeded', `The state/task returned a result with a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`);
  }
  return JSON.parse(json) as unknown;
}
