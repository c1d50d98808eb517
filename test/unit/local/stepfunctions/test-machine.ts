import type { S3Client } from '@aws-sdk/client-s3';
import type { AslDefinition } from '../../../../local/stepfunctions/definition.ts';
import { createLocalStateMachine, type LocalStateMachineOptions } from '../../../../local/stepfunctions/state-machine.ts';
import type { fakeFunction } from '../../../helpers/batch-local-functions.ts';

/**
 * A local state machine over fake Lambda functions (found by ARN) and no S3, for unit tests of the interpreter.
 *
 * @example
 * const machine = machineWith(definition, [double], { retryIntervalMs: 1 });
 */
export function machineWith(definition: AslDefinition, fns: ReturnType<typeof fakeFunction>[], options: Partial<LocalStateMachineOptions> = {}) {
  return createLocalStateMachine({
    name: 'test',
    arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:test',
    definition,
    functionsByArn: (arn) => fns.find((f) => f.arn === arn),
    s3: {} as S3Client,
    ...options,
  });
}

/**
 * Starts an execution and waits for its end.
 *
 * @example
 * const execution = await runToEnd(machine, { n: 1 });
 */
export async function runToEnd(machine: ReturnType<typeof machineWith>, input: unknown) {
  return machine.wait(await machine.start(input));
}
