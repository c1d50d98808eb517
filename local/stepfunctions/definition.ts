/** An ASL state, loosely typed: the runner reads only the fields it rewrites. */
export type AslState = Record<string, unknown> & { Type: string };

/** An ASL state machine (or a Map's ItemProcessor). */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

/**
 * AWS's Task timeout when `TimeoutSeconds` is absent is 99999999 s (none, in practice); the interpreter
 * defaults to 60 s. We write a long explicit timeout (below setTimeout's 2^31 ms ceiling) instead.
 */
const NO_TASK_TIMEOUT_SECONDS = 2_000_000;

/**
 * Whether a Map state is a Distributed Map (`ItemProcessor.ProcessorConfig.Mode = DISTRIBUTED`).
 *
 * @example
 * isDistributedMap(definition.States.ProcessPartitionsDistributed); // true
 */
export function isDistributedMap(state: AslState): boolean {
  const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
  return state.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** What the runner does in place of a state the interpreter cannot run. */
export interface PreparedDefinition {
  /** The definition the interpreter runs: Distributed Maps replaced by Task states of the same name. */
  readonly definition: AslDefinition;
  /** Every Task state (nested ones included), by name, as written in the original definition. */
  readonly tasks: ReadonlyMap<string, AslState>;
  /** Every Distributed Map state (nested ones included), by name, as written in the original definition. */
  readonly distributedMaps: ReadonlyMap<string, AslState>;
}

/**
 * Prepares a definition for aws-local-stepfunctions: each Distributed Map becomes a Task state with the
 * same name, transitions, InputPath, ResultSelector, ResultPath, OutputPath, Retry and Catch (its work
 * is done by the runner's task handler: ItemReader, ItemSelector, ItemBatcher, child executions,
 * tolerated failures, ResultWriter); Tasks without `TimeoutSeconds` get AWS's "no timeout". State
 * names are unique across a whole state machine (an ASL rule), so handlers can be keyed by name.
 *
 * @example
 * const { definition, tasks, distributedMaps } = prepareDefinition(JSON.parse(definitionString));
 */
export function prepareDefinition(original: AslDefinition): PreparedDefinition {
  const tasks = new Map<string, AslState>();
  const distributedMaps = new Map<string, AslState>();
  const rewrite = (machine: AslDefinition): AslDefinition => ({
    ...machine,
    States: Object.fromEntries(
      Object.entries(machine.States).map(([name, state]) => {
        if (isDistributedMap(state)) {
          distributedMaps.set(name, state);
          rewriteNested(state);
          return [name, distributedMapAsTask(state)];
        }
        if (state.Type === 'Task') {
          tasks.set(name, state);
          return [name, state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined ? { ...state, TimeoutSeconds: NO_TASK_TIMEOUT_SECONDS } : state];
        }
        if (state.Type === 'Map') {
          const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition;
          return [name, { ...state, ...(state.ItemProcessor ? { ItemProcessor: rewrite(processor) } : { Iterator: rewrite(processor) }) }];
        }
        if (state.Type === 'Parallel') return [name, { ...state, Branches: (state.Branches as AslDefinition[]).map(rewrite) }];
        return [name, state];
      }),
    ),
  });
  const rewriteNested = (state: AslState) => {
    // Child executions run the rewritten processor; keep it on the original state for the runner.
    const processor = state.ItemProcessor as AslDefinition;
    const { ProcessorConfig: _config, ...rest } = processor;
    state.ItemProcessor = { ...rewrite(rest as AslDefinition), ProcessorConfig: processor.ProcessorConfig };
  };
  // A JSON copy, not structuredClone: the interpreter recognises objects by their prototype, and
  // structuredClone can create them in another realm (jest's vm contexts), leaving nested templates unevaluated.
  return { definition: rewrite(JSON.parse(JSON.stringify(original)) as AslDefinition), tasks, distributedMaps };
}

const KEPT_FIELDS = ['Next', 'End', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Comment'];

function distributedMapAsTask(state: AslState): AslState {
  const task: AslState = { Type: 'Task', Resource: 'arn:aws:states:::sluice:local-distributed-map', TimeoutSeconds: NO_TASK_TIMEOUT_SECONDS };
  for (const field of KEPT_FIELDS) if (field in state) task[field] = state[field];
  return task;
}
