import { Graph, layout } from '@dagrejs/dagre';
import type { AslDefinition, AslState } from '../stepfunctions/definition.ts';
import { isDistributedMap } from '../stepfunctions/definition.ts';
import type { ExecutionHistoryEvent } from '../stepfunctions/state-machine.ts';

/** Where a state (or a Map iteration) stands in an execution. */
export type StateStatus = 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';

/** A state drawn at its place: the centre (x, y) and size, in the graph's own coordinates. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** The ASL type (`Task`, `Map` …), or `Start` / `End` for the two ends of the top level. */
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The Map or Parallel state it belongs to. */
  readonly parent?: string;
  readonly status: StateStatus;
  /** One run: its duration; several (Map iterations): the mean. */
  readonly durationMs?: number;
  /** Runs by outcome, for states inside a Map (one per iteration). */
  readonly runs?: { readonly succeeded: number; readonly failed: number; readonly running: number };
  readonly retries: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** The iterations of one Map state (or child executions of a Distributed Map). */
export interface MapIterations {
  readonly state: string;
  readonly distributed: boolean;
  readonly iterations: readonly { readonly index: number; readonly status: StateStatus; readonly durationMs?: number }[];
}

export interface ExecutionGraph {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly maps: readonly MapIterations[];
}

const START = '⟨start⟩';
const END = '⟨end⟩';
const LEAF_HEIGHT = 40;
const HEADER = 30;
const PADDING = 14;

interface Box {
  width: number;
  height: number;
}

interface LevelLayout extends Box {
  readonly nodes: { id: string; type: string; x: number; y: number; width: number; height: number; child?: LevelLayout }[];
  readonly edges: { from: string; to: string; kind: GraphEdge['kind']; points: { x: number; y: number }[] }[];
}

function nestedDefinitions(state: AslState): AslDefinition[] {
  if (state.Type === 'Map') return [(state.ItemProcessor ?? state.Iterator) as AslDefinition].filter(Boolean);
  if (state.Type === 'Parallel') return (state.Branches as AslDefinition[] | undefined) ?? [];
  return [];
}

function transitions(state: AslState): { to: string; kind: GraphEdge['kind'] }[] {
  const out: { to: string; kind: GraphEdge['kind'] }[] = [];
  if (typeof state.Next === 'string') out.push({ to: state.Next, kind: 'next' });
  for (const choice of (state.Choices as { Next?: string }[] | undefined) ?? []) if (choice.Next) out.push({ to: choice.Next, kind: 'choice' });
  if (typeof state.Default === 'string') out.push({ to: state.Default, kind: 'default' });
  for (const catcher of (state.Catch as { Next?: string }[] | undefined) ?? []) if (catcher.Next) out.push({ to: catcher.Next, kind: 'catch' });
  return out;
}

/** Wide enough for the label; states inside a Map also show their runs (`16 ✓ · 0 ✗ · avg 245 ms`). */
function leafWidth(label: string, inMap: boolean): number {
  return Math.max(inMap ? 200 : 120, Math.round(label.length * 7.5) + 36);
}

/**
 * Lays out one level of states with dagre (top to bottom); a Map or Parallel state is sized to hold the
 * layout of its own states, laid out first the same way. The top level gets a start and an end node.
 */
function layoutLevel(definitions: readonly AslDefinition[], topLevel: boolean, inMap = false): LevelLayout {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const children = new Map<string, LevelLayout>();
  const types = new Map<string, string>();
  for (const definition of definitions) {
    for (const [name, state] of Object.entries(definition.States)) {
      const nested = nestedDefinitions(state);
      types.set(name, state.Type);
      if (nested.length > 0) {
        const child = layoutLevel(nested, false, state.Type === 'Map');
        children.set(name, child);
        graph.setNode(name, { width: Math.max(child.width + 2 * PADDING, leafWidth(`${name} (Map)`, false)), height: child.height + HEADER + PADDING });
      } else {
        graph.setNode(name, { width: leafWidth(name, inMap), height: LEAF_HEIGHT });
      }
    }
    for (const [name, state] of Object.entries(definition.States)) {
      for (const [i, { to, kind }] of transitions(state).entries()) if (graph.hasNode(to)) graph.setEdge(name, to, { kind }, `${kind}${i}`);
    }
  }
  if (topLevel && definitions[0]) {
    graph.setNode(START, { width: 70, height: 28 });
    graph.setNode(END, { width: 70, height: 28 });
    types.set(START, 'Start');
    types.set(END, 'End');
    graph.setEdge(START, definitions[0].StartAt, { kind: 'next' }, 'start');
    for (const [name, state] of Object.entries(definitions[0].States)) {
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') graph.setEdge(name, END, { kind: 'next' }, 'end');
    }
  }
  layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  return {
    width,
    height,
    nodes: graph.nodes().map((id: string) => {
      const node = graph.node(id);
      const child = children.get(id);
      return { id, type: types.get(id) ?? 'Task', x: node.x, y: node.y, width: node.width, height: node.height, ...(child ? { child } : {}) };
    }),
    edges: graph.edges().map((e: { v: string; w: string; name?: string }) => {
      const edge = graph.edge(e) as { kind: GraphEdge['kind']; points?: { x: number; y: number }[] };
      return { from: e.v, to: e.w, kind: edge.kind, points: edge.points ?? [] };
    }),
  };
}

/** The layout's nodes and edges in one coordinate system, nested states inside their Map or Parallel box. */
function flatten(level: LevelLayout, dx: number, dy: number, parent?: string) {
  const nodes: { id: string; type: string; x: number; y: number; width: number; height: number; parent?: string }[] = [];
  const edges: LevelLayout['edges'] = [];
  for (const node of level.nodes) {
    nodes.push({ id: node.id, type: node.type, x: node.x + dx, y: node.y + dy, width: node.width, height: node.height, ...(parent ? { parent } : {}) });
    if (node.child) {
      const inner = flatten(node.child, node.x + dx - node.child.width / 2, node.y + dy - node.height / 2 + HEADER, node.id);
      nodes.push(...inner.nodes);
      edges.push(...inner.edges);
    }
  }
  for (const edge of level.edges) edges.push({ ...edge, points: edge.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) });
  return { nodes, edges };
}

/** Moves everything so the drawing starts at (0, 0): dagre may route an edge around a box, past its margin. */
function withinBounds(drawing: ReturnType<typeof flatten>) {
  const xs = [...drawing.nodes.flatMap((n) => [n.x - n.width / 2, n.x + n.width / 2]), ...drawing.edges.flatMap((e) => e.points.map((p) => p.x))];
  const ys = [...drawing.nodes.flatMap((n) => [n.y - n.height / 2, n.y + n.height / 2]), ...drawing.edges.flatMap((e) => e.points.map((p) => p.y))];
  const [minX, minY] = [Math.min(0, ...xs), Math.min(0, ...ys)];
  return {
    nodes: drawing.nodes.map((n) => ({ ...n, x: n.x - minX, y: n.y - minY })),
    edges: drawing.edges.map((e) => ({ ...e, points: e.points.map((p) => ({ x: p.x - minX, y: p.y - minY })) })),
    width: Math.max(...xs) - minX,
    height: Math.max(...ys) - minY,
  };
}

interface RunState {
  status: StateStatus;
  startedAt: number;
  endedAt?: number;
}

const STATUS_OF_EVENT: Partial<Record<ExecutionHistoryEvent['type'], StateStatus>> = {
  StateEntered: 'RUNNING',
  StateRetried: 'RUNNING',
  StateExited: 'SUCCEEDED',
  StateFailed: 'FAILED',
  StateCaught: 'CAUGHT',
};

/** Each state's runs (one per Map iteration it ran in), and each Map's iterations, from the history. */
function replay(history: readonly ExecutionHistoryEvent[]) {
  const runs = new Map<string, Map<string, RunState>>();
  const retries = new Map<string, number>();
  const iterations = new Map<string, Map<number, RunState>>();
  for (const event of history) {
    if (event.type === 'StateRetried' && event.stateName) retries.set(event.stateName, (retries.get(event.stateName) ?? 0) + 1);
    const status = STATUS_OF_EVENT[event.type];
    if (status && event.stateName) {
      const byRun = runs.get(event.stateName) ?? new Map<string, RunState>();
      const key = String(event.index ?? '');
      const run = byRun.get(key);
      if (!run || event.type === 'StateEntered') byRun.set(key, { status, startedAt: run && event.type !== 'StateEntered' ? run.startedAt : event.timestamp });
      else Object.assign(run, { status, ...(status === 'RUNNING' ? {} : { endedAt: event.timestamp }) });
      runs.set(event.stateName, byRun);
    }
    const mapName = event.type.startsWith('MapIteration') ? event.parentStateName : event.type.startsWith('DistributedMapChild') ? event.stateName : undefined;
    if (mapName !== undefined && event.index !== undefined) {
      const byIndex = iterations.get(mapName) ?? new Map<number, RunState>();
      if (event.type.endsWith('Started')) byIndex.set(event.index, { status: 'RUNNING', startedAt: event.timestamp });
      else {
        const run = byIndex.get(event.index) ?? { status: 'RUNNING', startedAt: event.timestamp };
        byIndex.set(event.index, { ...run, status: event.type.endsWith('Succeeded') ? 'SUCCEEDED' : 'FAILED', endedAt: event.timestamp });
      }
      iterations.set(mapName, byIndex);
    }
  }
  return { runs, retries, iterations };
}

function durationOf(run: RunState, now: number): number {
  return (run.endedAt ?? now) - run.startedAt;
}

function overall(statuses: readonly StateStatus[]): StateStatus {
  for (const status of ['RUNNING', 'FAILED', 'CAUGHT', 'SUCCEEDED'] as const) if (statuses.includes(status)) return status;
  return 'NOT_STARTED';
}

/**
 * An execution as a graph: the state machine's states laid out by dagre (Map and Parallel states as
 * boxes around their own states), each with its status and duration from the execution's history, and
 * each Map's iterations with theirs. Running states count their time up to `now`.
 *
 * @example
 * const graph = executionGraph(machine.definition, machine.history(arn), machine.describe(arn).status);
 * graph.nodes.find((n) => n.id === 'Reduce')?.status; // 'SUCCEEDED'
 */
export function executionGraph(definition: AslDefinition, history: readonly ExecutionHistoryEvent[], executionStatus: string, now: number = Date.now()): ExecutionGraph {
  const level = layoutLevel([definition], true);
  const { nodes, edges, width, height } = withinBounds(flatten(level, 0, 0));
  const { runs, retries, iterations } = replay(history);
  const distributed = new Set<string>();
  const visit = (def: AslDefinition) => {
    for (const [name, state] of Object.entries(def.States)) {
      if (isDistributedMap(state)) distributed.add(name);
      nestedDefinitions(state).forEach(visit);
    }
  };
  visit(definition);
  const started = history.some((e) => e.type === 'ExecutionStarted');
  const graphNodes: GraphNode[] = nodes.map((node) => {
    const label = node.type === 'Start' ? 'Start' : node.type === 'End' ? 'End' : node.id;
    if (node.type === 'Start' || node.type === 'End') {
      const status: StateStatus =
        node.type === 'Start' ? (started ? 'SUCCEEDED' : 'NOT_STARTED') : executionStatus === 'SUCCEEDED' ? 'SUCCEEDED' : executionStatus === 'RUNNING' ? 'NOT_STARTED' : 'FAILED';
      return { ...node, label, status, retries: 0 };
    }
    // Inside a Distributed Map the child executions' own states are not reported: they take the children's outcome.
    const parentIterations = node.parent && distributed.has(node.parent) ? iterations.get(node.parent) : undefined;
    const stateRuns = [...(runs.get(node.id)?.values() ?? parentIterations?.values() ?? [])];
    const statuses = stateRuns.map((r) => r.status);
    const inMap = node.parent !== undefined && nodes.find((n) => n.id === node.parent)?.type === 'Map';
    const finished = stateRuns.filter((r) => r.status !== 'RUNNING' || executionStatus === 'RUNNING');
    const durationMs = finished.length > 0 ? finished.reduce((sum, r) => sum + durationOf(r, now), 0) / finished.length : undefined;
    return {
      ...node,
      label,
      status: overall(statuses),
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(inMap
        ? {
            runs: {
              succeeded: statuses.filter((s) => s === 'SUCCEEDED').length,
              failed: statuses.filter((s) => s === 'FAILED' || s === 'CAUGHT').length,
              running: statuses.filter((s) => s === 'RUNNING').length,
            },
          }
        : {}),
      retries: retries.get(node.id) ?? 0,
    };
  });
  const maps: MapIterations[] = nodes
    .filter((n) => n.type === 'Map' || distributed.has(n.id))
    .map((n) => ({
      state: n.id,
      distributed: distributed.has(n.id),
      iterations: [...(iterations.get(n.id)?.entries() ?? [])]
        .sort(([a], [b]) => a - b)
        .map(([index, run]) => ({ index, status: run.status, durationMs: durationOf(run, now) })),
    }));
  return { width, height, nodes: graphNodes, edges, maps };
}
