import { executionGraph } from '../../../../local/console/execution-graph.ts';
import type { AslDefinition } from '../../../../local/stepfunctions/definition.ts';
import { historyEntry, type ExecutionHistoryEvent } from '../../../../local/stepfunctions/state-machine.ts';

const definition: AslDefinition = {
  StartAt: 'Load',
  States: {
    Load: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:load', Next: 'EachPart', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] },
    EachPart: { Type: 'Map', ItemsPath: '$.parts', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:work', End: true } } }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Failed' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'JobFailed' },
  },
};

/** A history stopped while the Map's second iteration runs. */
const history: ExecutionHistoryEvent[] = [
  { type: 'ExecutionStarted', timestamp: 1_000 },
  { type: 'StateEntered', timestamp: 1_000, stateName: 'Load' },
  { type: 'StateRetried', timestamp: 1_100, stateName: 'Load' },
  { type: 'StateExited', timestamp: 1_250, stateName: 'Load' },
  { type: 'StateEntered', timestamp: 1_300, stateName: 'EachPart' },
  { type: 'MapIterationStarted', timestamp: 1_300, index: 0, parentStateName: 'EachPart' },
  { type: 'MapIterationStarted', timestamp: 1_300, index: 1, parentStateName: 'EachPart' },
  { type: 'StateEntered', timestamp: 1_310, stateName: 'Work', index: 0 },
  { type: 'StateEntered', timestamp: 1_320, stateName: 'Work', index: 1 },
  { type: 'StateExited', timestamp: 1_410, stateName: 'Work', index: 0 },
  { type: 'MapIterationSucceeded', timestamp: 1_410, index: 0, parentStateName: 'EachPart' },
];

describe('executionGraph', () => {
  it("gives every state its status and duration from the execution's history, and each Map iteration its own", () => {
    // Act
    const graph = executionGraph(definition, history, 'RUNNING', 1_520);

    // Assess
    const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
    expect(node('Load')).toMatchObject({ status: 'SUCCEEDED', durationMs: 250, retries: 1 });
    expect(node('EachPart')).toMatchObject({ status: 'RUNNING', durationMs: 220 });
    expect(node('Work')).toMatchObject({ status: 'RUNNING', parent: 'EachPart', runs: { succeeded: 1, failed: 0, running: 1 } });
    expect(node('Check').status).toBe('NOT_STARTED');
    expect(node('Done').status).toBe('NOT_STARTED');
    expect(graph.maps).toEqual([
      { state: 'EachPart', distributed: false, iterations: [{ index: 0, status: 'SUCCEEDED', durationMs: 110 }, { index: 1, status: 'RUNNING', durationMs: 220 }] },
    ]);
  });

  it('lays the states out with every transition drawn, nested states inside their Map, all within the drawing', () => {
    // Act
    const graph = executionGraph(definition, [], 'RUNNING');

    // Assess
    const edges = graph.edges.map((e) => `${e.from}→${e.to}:${e.kind}`).sort();
    expect(edges).toEqual(['Check→Done:choice', 'Check→Failed:default', 'Done→⟨end⟩:next', 'EachPart→Check:next', 'Failed→⟨end⟩:next', 'Load→EachPart:next', 'Load→Failed:catch', '⟨start⟩→Load:next'].sort());
    const map = graph.nodes.find((n) => n.id === 'EachPart')!;
    const work = graph.nodes.find((n) => n.id === 'Work')!;
    expect(Math.abs(work.x - map.x) + work.width / 2).toBeLessThanOrEqual(map.width / 2);
    expect(Math.abs(work.y - map.y) + work.height / 2).toBeLessThanOrEqual(map.height / 2);
    for (const n of graph.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(graph.height + 1e-9);
    }
    for (const p of graph.edges.flatMap((e) => e.points)) expect(p.x >= 0 && p.y >= 0 && p.x <= graph.width + 1e-9 && p.y <= graph.height + 1e-9).toBe(true);
  });

  it('marks the end failed and the failing state FAILED when the execution failed', () => {
    // Prepare
    const failed: ExecutionHistoryEvent[] = [
      { type: 'ExecutionStarted', timestamp: 0 },
      { type: 'StateEntered', timestamp: 0, stateName: 'Load' },
      { type: 'StateFailed', timestamp: 5, stateName: 'Load', error: 'Boom', cause: 'bad' },
      { type: 'ExecutionFailed', timestamp: 5, error: 'Boom' },
    ];
    // Act
    const graph = executionGraph(definition, failed, 'FAILED', 10);
    // Assess
    expect(graph.nodes.find((n) => n.id === 'Load')).toMatchObject({ status: 'FAILED', durationMs: 5 });
    expect(graph.nodes.find((n) => n.type === 'End')?.status).toBe('FAILED');
    expect(graph.nodes.find((n) => n.type === 'Start')?.status).toBe('SUCCEEDED');
  });

  it('keeps names, indexes and errors of interpreter events in the history, not their payloads', () => {
    // Assess
    expect(historyEntry({ type: 'StateEntered', timestamp: 7, index: 2, state: { name: 'Work', type: 'Task', input: { big: 'payload' } } })).toEqual({ type: 'StateEntered', timestamp: 7, stateName: 'Work', index: 2 });
    expect(historyEntry({ type: 'MapIterationFailed', timestamp: 8, index: 1, parentState: { name: 'EachPart', type: 'Map', input: [] }, Error: 'Boom', Cause: new Error('bad') })).toEqual({
      type: 'MapIterationFailed',
      timestamp: 8,
      index: 1,
      parentStateName: 'EachPart',
      error: 'Boom',
      cause: 'bad',
    });
  });
});
