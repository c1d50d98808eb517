import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { LocalFunction } from '../runtime/local-function.ts';
import type { LocalResource } from '../runtime/resources.ts';
import { createLocalStateMachine, type LocalStateMachine, type LocalStateMachineOptions } from './state-machine.ts';

export interface TemplateStateMachinesOptions {
  /** The template's `AWS::StepFunctions::StateMachine` resources as they exist locally. */
  readonly resources: readonly LocalResource[];
  /** Resolves intrinsics (`Fn::Join`, `Fn::GetAtt` …) against the local resources. */
  readonly resolver: { resolve(value: unknown): unknown };
  /** The template's functions, running locally. */
  readonly functions: Iterable<LocalFunction>;
  readonly s3: S3Client;
  readonly dynamodb?: DynamoDBClient;
  /** Passed to every machine (tests: `retryIntervalMs`, `onEvent`). */
  readonly machineOptions?: Partial<Pick<LocalStateMachineOptions, 'retryIntervalMs' | 'retryIntervalOverrides' | 'onEvent'>>;
  /** Wraps a function before machines use it (fault injection in tests). */
  readonly wrapFunction?: (fn: LocalFunction) => LocalFunction;
}

/**
 * One local state machine per template state machine: the DefinitionString (or Definition) resolved
 * against the local resources, Task states bound to the local functions by ARN.
 *
 * @example
 * const machines = createTemplateStateMachines({ resources: registry.ofType('AWS::StepFunctions::StateMachine'), resolver, functions: runtime.functions.values(), s3, dynamodb });
 */
export function createTemplateStateMachines(options: TemplateStateMachinesOptions): LocalStateMachine[] {
  const byArn = new Map([...options.functions].map((fn) => [fn.arn, options.wrapFunction ? options.wrapFunction(fn) : fn]));
  return options.resources.map((resource) => {
    const props = resource.definition.Properties ?? {};
    const definition = props.DefinitionString !== undefined ? String(options.resolver.resolve(props.DefinitionString)) : JSON.stringify(options.resolver.resolve(props.Definition));
    return createLocalStateMachine({
      name: resource.attributes.Name ?? resource.physicalName,
      arn: resource.attributes.Arn ?? resource.ref,
      definition,
      functionsByArn: (arn) => byArn.get(arn),
      s3: options.s3,
      ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
      ...options.machineOptions,
    });
  });
}
