import type { Template } from 'aws-cdk-lib/assertions';

/** An ASL state, loosely typed for assertions. */
export type AslState = Record<string, unknown> & { Type: string };

/**
 * The state machine definition of a synthesized template as JSON, with `Fn::GetAtt`/`Ref` parts of
 * its `Fn::Join` replaced by `<LogicalId.Attr>` / `<LogicalId>` placeholders (enough to see which
 * function a Task invokes).
 *
 * @example
 * const definition = stateMachineDefinition(template);
 * definition.States.Split.Resource; // '<BatchSplit1234.Arn>'
 */
export function stateMachineDefinition(template: Template): { StartAt: string; States: Record<string, AslState> } {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const body = machines[0]!.Properties.DefinitionString as unknown;
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const object = part as Record<string, unknown>;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Ref' in object) return `<${object.Ref as string}>`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    throw new Error(`unexpected intrinsic in definition: ${JSON.stringify(part)}`);
  };
  return JSON.parse(render(body)) as { StartAt: string; States: Record<string, AslState> };
}

/** Every state of a definition, nested ItemProcessor states included, by name. */
export function allStates(states: Record<string, AslState>): Record<string, AslState> {
  const out: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(states)) {
    out[name] = state;
    const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, AslState> } | undefined;
    if (processor) Object.assign(out, allStates(processor.States));
  }
  return out;
}
