// The sluice dev console page. Plain browser JavaScript, served by local/console/console-server.ts.
// Everything shown comes from the console's JSON API; message bodies and keys are data from the
// app's users, so they only ever become text (textContent), never markup.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 1500;
/**
 * A DLQ is read by receiving its messages and releasing them at once (as `sluice dlq list` does); while
 * they are held, a `sluice dlq replay` running elsewhere sees fewer. So a changing DLQ is read again at
 * most this often.
 */
const DEAD_LETTER_READ_MS = 5000;

const state = {
  view: 'queues',
  /** The execution shown on the state machines view. */
  executionArn: undefined,
  /** DLQ groups per queue id, and the DLQ depth they were read at. */
  deadLetters: new Map(),
  busy: false,
  pending: false,
  /** What the open replay dialog replays. */
  replay: undefined,
  /** The data the current view was drawn from, and the data of the view on screen. */
  signature: '',
  shownSignature: '',
};

/** An element with attributes and children; strings become text nodes. */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return element;
}

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes ?? {})) if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children.flat()) if (child) element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

const count = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '–');

function duration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function oneLine(text, max = 160) {
  const flat = String(text ?? '').replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

function numCell(value, field) {
  return h('td', { class: 'num', 'data-field': field }, count(value));
}

function table(headers, rows, attributes = {}) {
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { class: header.num ? 'num' : undefined }, header.label ?? header)))),
    h('tbody', {}, rows),
  );
}

// ── queues ────────────────────────────────────────────────────────────────────────────────────────

async function refreshDeadLetters(queues) {
  await Promise.all(
    queues
      .filter((q) => q.deadLetter)
      .map(async (q) => {
        const known = state.deadLetters.get(q.id);
        if (q.deadLetter.depth === 0) {
          state.deadLetters.set(q.id, { depth: 0, readAt: 0, view: { total: 0, groups: [] } });
          return;
        }
        if (known && (known.depth === q.deadLetter.depth || Date.now() - known.readAt < DEAD_LETTER_READ_MS)) return;
        try {
          state.deadLetters.set(q.id, { depth: q.deadLetter.depth, readAt: Date.now(), view: await getJson(`/api/queues/${encodeURIComponent(q.id)}/dead-letters`) });
        } catch (err) {
          state.deadLetters.set(q.id, { depth: q.deadLetter.depth, readAt: Date.now(), error: err.message });
        }
      }),
  );
}

function openReplay(queue, group) {
  state.replay = { queue, reason: group?.reason };
  const what = group
    ? `Replay the ${count(group.count)} dead letters with reason “${group.reason}” from ${queue.deadLetter.name} back to ${queue.name}?`
    : `Replay all ${count(queue.deadLetter.depth)} dead letters from ${queue.deadLetter.name} back to ${queue.name}?`;
  document.getElementById('replay-what').textContent = what;
  document.getElementById('replay-result').textContent = '';
  document.getElementById('replay-token').value = sessionStorage.getItem('sluice-console-token') ?? '';
  document.getElementById('replay-confirm').disabled = false;
  document.getElementById('replay-dialog').showModal();
}

async function confirmReplay(event) {
  event.preventDefault();
  const replay = state.replay;
  if (!replay) return;
  const token = document.getElementById('replay-token').value.trim();
  const result = document.getElementById('replay-result');
  const confirm = document.getElementById('replay-confirm');
  confirm.disabled = true;
  result.textContent = 'replaying…';
  try {
    const response = await fetch(`/api/queues/${encodeURIComponent(replay.queue.id)}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sluice-console-token': token },
      body: JSON.stringify(replay.reason === undefined ? {} : { reason: replay.reason }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `${response.status}`);
    sessionStorage.setItem('sluice-console-token', token);
    // `sluice dlq replay`'s own summary: the counts, then why each dead letter left is left.
    result.textContent = body.summary;
    state.deadLetters.delete(replay.queue.id);
    refresh();
  } catch (err) {
    result.textContent = `not replayed: ${err.message}`;
    confirm.disabled = false;
  }
}

function deadLetterSection(queue) {
  const known = state.deadLetters.get(queue.id);
  const title = h('h3', {}, `${queue.deadLetter.name} · ${count(queue.deadLetter.depth)} message${queue.deadLetter.depth === 1 ? '' : 's'}`);
  if (queue.deadLetter.depth === 0) return h('div', { 'data-dlq': queue.name }, title, h('p', { class: 'empty' }, 'empty'));
  if (!known?.view) return h('div', { 'data-dlq': queue.name }, title, h('p', { class: 'muted' }, known?.error ? `cannot read it: ${known.error}` : 'reading…'));
  const rows = known.view.groups.map((group) =>
    h(
      'tr',
      { 'data-reason': group.reason },
      h('td', { 'data-field': 'reason' }, group.reason),
      numCell(group.count, 'count'),
      h('td', { class: 'sample', 'data-field': 'sample-body' }, oneLine(group.sampleBody)),
      h('td', { class: 'sample', 'data-field': 'sample-error' }, oneLine(group.sampleError ?? '')),
      h('td', {}, h('button', { class: 'danger', 'data-action': 'replay-reason', onclick: () => openReplay(queue, group) }, 'Replay…')),
    ),
  );
  return h(
    'div',
    { 'data-dlq': queue.name },
    title,
    table(['reason', { label: 'count', num: true }, 'sample body', 'sample error', ''], rows),
    h('p', {}, h('button', { class: 'danger', 'data-action': 'replay-all', onclick: () => openReplay(queue) }, `Replay all ${count(queue.deadLetter.depth)}…`)),
  );
}

async function renderQueues() {
  const { queues } = await getJson('/api/queues');
  await refreshDeadLetters(queues);
  state.signature = JSON.stringify([queues, [...state.deadLetters]]);
  const rows = queues.map((q) =>
    h(
      'tr',
      { 'data-queue': q.name },
      h('td', {}, h('strong', {}, q.name), q.fifo ? h('span', { class: 'muted' }, ' FIFO') : null, q.failureDestinationOf ? h('div', { class: 'muted' }, `failed batches of ${q.failureDestinationOf}`) : null),
      numCell(q.depth.visible, 'visible'),
      numCell(q.depth.inFlight, 'in-flight'),
      numCell(q.depth.delayed, 'delayed'),
      q.deadLetter ? numCell(q.deadLetter.depth, 'dlq') : h('td', { class: 'num muted', 'data-field': 'dlq' }, '–'),
      h('td', { class: 'muted' }, q.consumer ? `${q.consumer.function}: ${count(q.consumer.stats.received)} received · ${count(q.consumer.stats.deleted)} deleted · ${count(q.consumer.stats.itemFailures)} failed` : 'no consumer'),
    ),
  );
  const withDlq = queues.filter((q) => q.deadLetter);
  return [
    h(
      'section',
      { class: 'card', id: 'queue-depths' },
      h('h2', {}, 'Queues'),
      table(['queue', { label: 'visible', num: true }, { label: 'in flight', num: true }, { label: 'delayed', num: true }, { label: 'DLQ', num: true }, 'consumer'], rows),
    ),
    h('section', { class: 'card', id: 'dead-letters' }, h('h2', {}, 'Dead letters by reason'), withDlq.length ? withDlq.map(deadLetterSection) : h('p', { class: 'empty' }, 'no queue has a DLQ')),
  ];
}

// ── streams ───────────────────────────────────────────────────────────────────────────────────────

function streamCard(stream) {
  const mappingRows = stream.mappings.map((m) =>
    h(
      'tr',
      { 'data-mapping': m.id },
      h('td', {}, m.function),
      numCell(m.stats.fetched, 'read'),
      numCell(m.stats.filtered, 'filtered'),
      numCell(m.stats.delivered, 'processed'),
      numCell(m.stats.invocations, 'invocations'),
      numCell(m.stats.functionErrors, 'errors'),
      numCell(m.stats.discarded, 'discarded'),
    ),
  );
  const windowRows = stream.windows.map((w) =>
    h(
      'tr',
      { 'data-window': w.windowStart },
      h('td', {}, `${w.windowStart.slice(11, 19)}–${w.windowEnd.slice(11, 19)}`, h('div', { class: 'muted' }, w.windowStart.slice(0, 10))),
      numCell(w.shards, 'shards'),
      h('td', { 'data-field': 'state' }, w.closedShards === w.shards ? 'closed' : `open (${w.closedShards}/${w.shards} shards closed)`),
      numCell(w.records, 'records'),
      numCell(w.rejected, 'rejected'),
      h('td', {}, h('div', { class: 'chips' }, w.results.map(([key, a]) => h('span', { class: 'chip' }, `${key}: ${count(a.count)} · Σ ${count(a.sum)}`)))),
    ),
  );
  return h(
    'section',
    { class: 'card', 'data-stream': stream.name },
    h('h2', {}, stream.name, ' ', h('span', { class: `badge ${stream.status === 'ACTIVE' ? 'SUCCEEDED' : ''}` }, stream.status)),
    h('p', { class: 'muted' }, `${stream.streamName} · ${stream.shards.length} shard${stream.shards.length === 1 ? '' : 's'}`),
    h('div', { class: 'chips', 'data-field': 'shards' }, stream.shards.map((s) => h('span', { class: 'chip' }, `${s.id}${s.open ? '' : ' (closed)'}`))),
    h('h3', {}, 'Event source mappings'),
    stream.mappings.length
      ? table(['function', { label: 'read', num: true }, { label: 'filtered', num: true }, { label: 'processed', num: true }, { label: 'invocations', num: true }, { label: 'errors', num: true }, { label: 'to failure queue', num: true }], mappingRows)
      : h('p', { class: 'empty' }, 'no mapping reads this stream'),
    h('p', { 'data-field': 'rejected' }, `rejected by the function (committed windows): ${count(stream.rejected)}`),
    h('h3', {}, `Windows${stream.resultsTable ? ` (${stream.resultsTable})` : ''}`),
    stream.resultsTable
      ? stream.windows.length
        ? table(['window', { label: 'shards', num: true }, 'state', { label: 'records', num: true }, { label: 'rejected', num: true }, 'results (count · sum)'], windowRows, { 'data-field': 'windows' })
        : h('p', { class: 'empty' }, 'no window committed yet')
      : h('p', { class: 'empty' }, 'no results table output for this stream'),
    h('h3', {}, 'Failure queues'),
    stream.failureQueues.length
      ? stream.failureQueues.map((q) =>
          h(
            'div',
            { 'data-failure-queue': q.name },
            h('p', {}, `${q.name}: ${count(q.depth)} message${q.depth === 1 ? '' : 's'}`),
            q.messages.length ? h('pre', { class: 'logs' }, q.messages.map((m) => `${oneLine(m, 400)}\n`).join('')) : null,
          ),
        )
      : h('p', { class: 'empty' }, 'none'),
  );
}

async function renderStreams() {
  const { streams } = await getJson('/api/streams');
  state.signature = JSON.stringify(streams);
  return streams.length ? streams.map(streamCard) : [h('section', { class: 'card' }, h('p', { class: 'empty' }, 'the app has no Kinesis stream'))];
}

// ── state machines ────────────────────────────────────────────────────────────────────────────────

function pathThrough(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function graphSvg(graph) {
  const margin = 12;
  const root = svg('svg', { width: graph.width + 2 * margin, height: graph.height + 2 * margin, viewBox: `${-margin} ${-margin} ${graph.width + 2 * margin} ${graph.height + 2 * margin}`, role: 'img', 'aria-label': 'execution graph' });
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }))));
  const clusters = graph.nodes.filter((n) => n.type === 'Map' || n.type === 'Parallel');
  const leaves = graph.nodes.filter((n) => n.type !== 'Map' && n.type !== 'Parallel');
  const nodeGroup = (node, cluster) => {
    const left = node.x - node.width / 2;
    const top = node.y - node.height / 2;
    const details = node.runs
      ? [`${node.runs.succeeded} ✓`, `${node.runs.failed} ✗`, node.runs.running ? `${node.runs.running} running` : '', node.durationMs !== undefined ? `avg ${duration(node.durationMs)}` : '']
      : [node.status === 'NOT_STARTED' ? '' : node.status.toLowerCase().replace('_', ' '), node.durationMs !== undefined ? duration(node.durationMs) : ''];
    if (node.retries) details.push(`${node.retries} retr${node.retries === 1 ? 'y' : 'ies'}`);
    // Start and End say it with their colour alone.
    const shown = node.type === 'Start' || node.type === 'End' ? [] : details.filter(Boolean);
    const round = node.type === 'Start' || node.type === 'End' ? node.height / 2 : 6;
    return svg(
      'g',
      { class: `node ${cluster ? 'cluster' : ''} ${node.status}`, 'data-state': node.id, 'data-status': node.status },
      svg('rect', { x: left, y: top, width: node.width, height: node.height, rx: round }),
      svg('text', { x: node.x, y: cluster ? top + 16 : shown.length ? node.y - 3 : node.y + 4 }, cluster ? `${node.label} (${node.type})` : node.label),
      shown.length ? svg('text', { class: 'detail', x: node.x, y: cluster ? top + 28 : node.y + 12 }, shown.join(' · ')) : null,
      svg('title', {}, `${node.id}: ${node.status}${node.durationMs !== undefined ? `, ${duration(node.durationMs)}` : ''}`),
    );
  };
  clusters.forEach((n) => root.append(nodeGroup(n, true)));
  graph.edges.forEach((e) => root.append(svg('path', { class: `edge ${e.kind}`, d: pathThrough(e.points), 'marker-end': 'url(#arrow)' })));
  leaves.forEach((n) => root.append(nodeGroup(n, false)));
  return root;
}

function selectExecution(arn) {
  location.hash = `#state-machines/${encodeURIComponent(arn)}`;
}

function executionDetail(execution) {
  const mapSections = execution.graph.maps.map((map) =>
    h(
      'div',
      { 'data-map': map.state },
      h('h3', {}, `${map.state}: ${count(map.iterations.length)} ${map.distributed ? 'child executions' : 'iterations'} · ${map.iterations.filter((i) => i.status === 'SUCCEEDED').length} succeeded · ${map.iterations.filter((i) => i.status === 'FAILED').length} failed`),
      map.iterations.length
        ? h('div', { class: 'chips' }, map.iterations.map((i) => h('span', { class: `chip ${i.status}`, 'data-iteration': i.index, 'data-status': i.status }, `#${i.index} ${i.status.toLowerCase()} · ${duration(i.durationMs)}`)))
        : h('p', { class: 'empty' }, 'not started'),
    ),
  );
  return h(
    'section',
    { class: 'card', id: 'execution', 'data-execution': execution.name, 'data-status': execution.status },
    h('h2', {}, execution.name, ' ', h('span', { class: `badge ${execution.status}`, 'data-field': 'execution-status' }, execution.status)),
    h('p', { class: 'muted' }, `${execution.stateMachine} · started ${execution.startDate.replace('T', ' ').slice(0, 19)} · ${duration(execution.durationMs)}`),
    execution.error ? h('p', {}, h('strong', {}, execution.error), ': ', oneLine(execution.cause ?? '', 400)) : null,
    h('div', { class: 'graph' }, graphSvg(execution.graph)),
    mapSections,
    h('details', {}, h('summary', {}, 'input and output'), h('pre', { class: 'logs' }, `input: ${execution.input}\n\noutput: ${execution.output ?? '(none yet)'}`)),
  );
}

async function renderStateMachines() {
  const { stateMachines } = await getJson('/api/state-machines');
  if (stateMachines.length === 0) return [h('section', { class: 'card' }, h('p', { class: 'empty' }, 'the app has no state machine'))];
  const all = stateMachines.flatMap((m) => m.executions);
  if (!state.executionArn && all[0]) state.executionArn = all[0].executionArn;
  const lists = stateMachines.map((machine) =>
    h(
      'section',
      { class: 'card', 'data-state-machine': machine.displayName },
      h('h2', {}, machine.displayName),
      h('p', { class: 'muted' }, machine.name),
      machine.executions.length
        ? table(
            ['execution', 'status', { label: 'duration', num: true }],
            machine.executions.map((e) =>
              h(
                'tr',
                { class: e.executionArn === state.executionArn ? 'selected' : undefined, 'data-execution': e.name },
                h('td', {}, h('a', { class: 'execution', href: `#state-machines/${encodeURIComponent(e.executionArn)}`, onclick: (ev) => (ev.preventDefault(), selectExecution(e.executionArn)) }, e.name)),
                h('td', {}, h('span', { class: `badge ${e.status}` }, e.status)),
                h('td', { class: 'num' }, duration(e.durationMs)),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'no execution yet'),
    ),
  );
  const execution = state.executionArn ? await getJson(`/api/execution?arn=${encodeURIComponent(state.executionArn)}`) : undefined;
  state.signature = JSON.stringify([stateMachines, state.executionArn, execution]);
  const detail = execution ? executionDetail(execution) : h('section', { class: 'card' }, h('p', { class: 'empty' }, 'start an execution to see its graph'));
  return [h('div', { class: 'layout' }, h('div', {}, lists), detail)];
}

// ── functions ─────────────────────────────────────────────────────────────────────────────────────

async function renderFunctions() {
  const { functions, notRun } = await getJson('/api/functions');
  state.signature = JSON.stringify([functions, notRun]);
  const rows = functions.map((fn) =>
    h(
      'tr',
      { 'data-function': fn.id },
      h('td', {}, h('strong', {}, fn.id), h('div', { class: 'muted' }, fn.entry), h('div', { class: 'muted' }, fn.triggers.join(' · '))),
      numCell(fn.stats.invocations, 'invocations'),
      numCell(fn.stats.errors, 'errors'),
      numCell(fn.stats.timeouts, 'timeouts'),
      h('td', { class: 'num' }, duration(fn.averageDurationMs)),
      h(
        'td',
        {},
        fn.stats.lastError ? h('div', { class: 'sample' }, oneLine(fn.stats.lastError, 200)) : null,
        h('details', { 'data-field': 'logs' }, h('summary', {}, `last ${fn.logs.length} log line${fn.logs.length === 1 ? '' : 's'}`), h('pre', { class: 'logs' }, fn.logs.map((l) => `${l.line}\n`).join('') || '(none)')),
      ),
    ),
  );
  return [
    h(
      'section',
      { class: 'card', id: 'functions' },
      h('h2', {}, 'Functions'),
      table(['function', { label: 'invocations', num: true }, { label: 'errors', num: true }, { label: 'timeouts', num: true }, { label: 'avg duration', num: true }, 'last error · logs'], rows),
      notRun.length ? h('div', {}, h('h3', {}, 'Not run locally'), h('ul', {}, notRun.map((u) => h('li', {}, `${u.id}: ${u.reason}`)))) : null,
    ),
  ];
}

// ── the page ──────────────────────────────────────────────────────────────────────────────────────

const RENDERERS = { queues: renderQueues, streams: renderStreams, 'state-machines': renderStateMachines, functions: renderFunctions };

function readHash() {
  const [view, ...rest] = location.hash.replace(/^#/, '').split('/');
  state.view = Object.hasOwn(RENDERERS, view) ? view : 'queues';
  if (state.view === 'state-machines' && rest.length) state.executionArn = decodeURIComponent(rest.join('/'));
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === state.view);
}

/** Renders the current view again; a call while one runs is remembered and run after it. */
async function refresh() {
  if (state.busy) {
    state.pending = true;
    return;
  }
  state.busy = true;
  const view = state.view;
  const main = document.getElementById('view');
  try {
    const content = await RENDERERS[view]();
    // Nothing changed: keep the page as it is (a button being clicked stays the same button).
    if (view === state.view && main.dataset.view === view && state.signature === state.shownSignature) return;
    state.shownSignature = state.signature;
    // Keep what the reader opened (log lines, input and output) across refreshes.
    const keyOf = (details) => details.closest('[data-function]')?.getAttribute('data-function') ?? 'execution';
    const open = new Set([...main.querySelectorAll('details[open]')].map(keyOf));
    if (view === state.view) {
      main.replaceChildren(...content);
      for (const details of main.querySelectorAll('details')) if (open.has(keyOf(details))) details.open = true;
      main.dataset.view = view;
      main.dataset.updated = new Date().toISOString();
    }
  } catch (err) {
    state.shownSignature = '';
    main.replaceChildren(h('section', { class: 'card' }, h('p', {}, `cannot read this view: ${err.message}`)));
  } finally {
    state.busy = false;
    if (state.pending) {
      state.pending = false;
      refresh();
    }
  }
}

function connectEvents() {
  const live = document.getElementById('live');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    live.textContent = 'live';
    live.classList.add('on');
  });
  events.addEventListener('error', () => {
    live.textContent = 'disconnected (is sluice dev still running?)';
    live.classList.remove('on');
  });
  events.addEventListener('change', () => refresh());
}

async function start() {
  readHash();
  window.addEventListener('hashchange', () => {
    readHash();
    refresh();
  });
  document.getElementById('replay-form').addEventListener('submit', confirmReplay);
  document.getElementById('replay-cancel').addEventListener('click', () => document.getElementById('replay-dialog').close());
  try {
    const app = await getJson('/api/app');
    document.getElementById('app-title').textContent = app.title;
    document.title = `sluice dev · ${app.title}`;
  } catch {
    // The views say what is wrong.
  }
  connectEvents();
  refresh();
  setInterval(refresh, REFRESH_MS);
}

start();
