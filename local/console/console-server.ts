import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceNotFoundError } from '../../shared/errors.ts';
import { LOOPBACK_HOST } from '../emulators/listen-host.ts';
import { StatesApiError } from '../stepfunctions/state-machine.ts';
import type { ConsoleRuntime } from './console-runtime.ts';
import { functionsView } from './functions-view.ts';
import { deadLettersView, queuesView, replayQueue } from './queues-view.ts';
import { refuseRequest } from './request-guard.ts';
import { executionView, stateMachinesView } from './state-machines-view.ts';
import { streamsView } from './streams-view.ts';

export interface ConsoleOptions {
  readonly runtime: ConsoleRuntime;
  /** Default 0: a free port. */
  readonly port?: number;
  /** The token that state-changing actions need (default: 24 random bytes, hex). */
  readonly token?: string;
  /** Shown in the page's title bar (the stack or app name). */
  readonly title?: string;
}

/** A running console: where it is, the token its actions need, how to stop it. */
export interface RunningConsole {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  stop(): Promise<void>;
}

const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/console.js': 'console.js',
  '/console.css': 'console.css',
};
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
/** Every answer: no caching, no framing, no sniffing, nothing loaded from elsewhere. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};
const MAX_BODY_BYTES = 16 * 1024;
/** Runtime events are pushed to open pages at most this often. */
const PUSH_INTERVAL_MS = 300;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const [path, file] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(`./assets/${file}`, import.meta.url));
    assets.set(path, { body, type: CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)]! });
  }
  return assets;
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the request body is not a JSON object');
  }
}

/**
 * Serves the `sluice dev` console on 127.0.0.1: a page with the app's queues (depths, DLQ grouped by
 * reason, replay), streams (shards, mapping counts, committed windows, failure queues), state machines
 * (executions, each as a graph updating live) and functions (invocations, errors, timeouts, last log
 * lines). Everything it shows is read from the runtime and the emulators when asked; the runtime's
 * events tell open pages when to ask again. It refuses other sites' requests, and replaying dead
 * letters, its only action, needs the token it prints.
 *
 * @example
 * const console = await startConsole({ runtime });
 * process.stdout.write(`console: ${console.url} (token ${console.token})\n`);
 * await console.stop();
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const { runtime } = options;
  const assets = loadAssets();
  const token = options.token ?? randomBytes(24).toString('hex');
  const replaying = new Set<string>();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const api = async (method: string, path: string, req: IncomingMessage): Promise<unknown> => {
    const queueAction = /^\/api\/queues\/([^/]+)\/(dead-letters|replay)$/.exec(path);
    if (method === 'GET' && path === '/api/app') {
      return { title: options.title ?? 'sluice dev', region: runtime.region, replayNeedsToken: true };
    }
    if (method === 'GET' && path === '/api/queues') return { queues: await queuesView(runtime) };
    if (queueAction) {
      const id = decodeURIComponent(queueAction[1]!);
      if (replaying.has(id)) throw new HttpError(409, 'a replay of this queue is running');
      if (queueAction[2] === 'dead-letters' && method === 'GET') return deadLettersView(runtime, id);
      if (queueAction[2] === 'replay' && method === 'POST') {
        const body = await readJsonBody(req);
        const reason = typeof body.reason === 'string' ? body.reason : undefined;
        replaying.add(id);
        try {
          return await replayQueue(runtime, id, reason);
        } finally {
          replaying.delete(id);
        }
      }
    }
    if (method === 'GET' && path === '/api/streams') return { streams: await streamsView(runtime) };
    if (method === 'GET' && path === '/api/state-machines') return { stateMachines: stateMachinesView(runtime) };
    if (method === 'GET' && path === '/api/execution') {
      const arn = new URL(req.url ?? '/', 'http://console').searchParams.get('arn');
      if (!arn) throw new HttpError(400, 'give ?arn=<execution ARN>');
      return executionView(runtime, arn);
    }
    if (method === 'GET' && path === '/api/functions') return functionsView(runtime);
    throw new HttpError(404, `no ${method} ${path}`);
  };

  const openEventStream = (res: ServerResponse) => {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    res.once('close', () => streams.delete(res));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refusal = refuseRequest({ method: req.method, headers: req.headers, port, token });
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
      res.end(body);
    };
    if (refusal) {
      send(refusal.status, 'application/json', JSON.stringify({ error: refusal.reason }));
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://console').pathname;
    const asset = method === 'GET' ? assets.get(path) : undefined;
    if (asset) {
      send(200, asset.type, asset.body);
      return;
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    if (method === 'GET' && path === '/api/events') {
      openEventStream(res);
      return;
    }
    try {
      send(200, 'application/json', JSON.stringify(await api(method, path, req)));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof ResourceNotFoundError || err instanceof StatesApiError ? 404 : 500;
      send(status, 'application/json', JSON.stringify({ error: (err as Error).message }));
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  // Tell open pages what changed (their views then ask again), a few times a second at most.
  const changed = new Set<string>();
  const onInvocation = () => changed.add('functions');
  const onLog = () => changed.add('functions');
  const onExecution = () => changed.add('executions');
  runtime.events.on('invocation', onInvocation);
  runtime.events.on('log', onLog);
  runtime.events.on('execution', onExecution);
  const pusher = setInterval(() => {
    if (changed.size === 0 || streams.size === 0) {
      changed.clear();
      return;
    }
    const message = `event: change\ndata: ${JSON.stringify({ kinds: [...changed] })}\n\n`;
    changed.clear();
    for (const stream of streams) stream.write(message);
  }, PUSH_INTERVAL_MS);
  pusher.unref();

  return {
    url: `http://${LOOPBACK_HOST}:${port}/`,
    port,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(pusher);
        runtime.events.off('invocation', onInvocation);
        runtime.events.off('log', onLog);
        runtime.events.off('execution', onExecution);
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
