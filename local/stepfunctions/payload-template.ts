import { StateMachine } from 'aws-local-stepfunctions';

type JsonValue = Parameters<StateMachine['run']>[0];

/**
 * Evaluates an ASL payload template (`"key.$": "$.path"`, `$$` context paths, intrinsic functions)
 * with aws-local-stepfunctions' own evaluator, by running a one-state Pass machine: the Distributed Map
 * fields the interpreter does not know (ItemReader Parameters, ItemBatcher BatchInput, ItemSelector)
 * get exactly the semantics of the fields it does.
 *
 * @example
 * await evaluatePayloadTemplate({ 'key.$': '$.manifest.key' }, input, context); // { key: 'tmp/j/manifest.json' }
 */
export async function evaluatePayloadTemplate(template: unknown, input: unknown, context: Record<string, unknown>): Promise<unknown> {
  if (template === undefined || template === null) return input;
  const machine = new StateMachine(
    { StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template as never, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  return machine.run(input as JsonValue, { context }).result;
}
