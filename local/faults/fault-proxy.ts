import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { latencySampler, type WireLatency } from './latency.ts';
import { seededRandom } from './seeded-random.ts';
import { seededChoice } from './seeded-choice.ts';
import { internalError, throttlingError, type ProxiedService, type WireError } from './wire-errors.ts';

/** Which requests a proxy disturbs, and how. All off by default; the first rule naming an operation applies to it. */
export interface WireFaultRule {
  /** Operations (the `X-Amz-Target` action, e.g. `PutItem`) the faults apply to. Default: all. */
  readonly operations?: readonly string[];
  /** Share of matching requests answered with the service's throttling error, never forwarded. */
  readonly throttleRate?: number;
  /**
   * In every `everyMs`, throttle every matching request for `lengthMs` (a burst of throttling), starting
   * at a seeded random offset: bursts at a fixed phase would line up with a fixed visibility timeout and
   * hit the same retried messages every time.
   */
  readonly throttleBursts?: { readonly everyMs: number; readonly lengthMs: number };
  /** Share of matching requests forwarded whose answer is replaced by a 500: done, but the client sees a failure. */
  readonly lostResponseRate?: number;
}

/** One request/response pair that went through the proxy (faulted or not). */
export interface WireExchange {
  readonly operation: string;
  readonly requestBody: string;
  readonly status: number;
  readonly responseBody: string;
  /** What the proxy did to it. */
  readonly fault: 'none' | 'throttled' | 'lost-response';
}

export interface FaultProxyStats {
  forwarded: number;
  throttled: number;
  lostResponses: number;
  /** Connections reset while the proxy simulated an outage. */
  refused: number;
  /** Answers held back to honour an injected latency. */
  delayed: number;
  /** Answers that came later than their sampled latency because the emulator itself took longer. */
  latencyOverruns: number;
}

export interface FaultProxyOptions {
  /** The emulator's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  readonly service: ProxiedService;
  readonly seed: number;
  readonly rules?: readonly WireFaultRule[];
  /** Sees every exchange, e.g. to count conditional-check failures on dedup claims. */
  readonly onExchange?: (exchange: WireExchange) => void;
  /**
   * Request latency, e.g. a service's published percentiles: each answer leaves no earlier than a
   * latency drawn for its operation after the request arrived. The emulator's own time is inside that
   * latency, not added to it (an answer the emulator makes later than that leaves when it is ready,
   * counted in `latencyOverruns`). Off by default.
   */
  readonly latency?: WireLatency;
}

export interface FaultProxy {
  /** Point a client here (`AWS_ENDPOINT_URL_<SERVICE>`) instead of at the emulator. */
  readonly endpoint: string;
  readonly stats: FaultProxyStats;
  /** Replaces the rules; `undefined` turns faults off (e.g. before a test checks the results). */
  setRules(rules: readonly WireFaultRule[] | undefined): void;
  /** Replaces the injected latency; `undefined` turns it off. */
  setLatency(latency: WireLatency | undefined): void;
  /** Resets every connection for `ms`, as an emulator restart looks to its clients. */
  outage(ms: number): Promise<void>;
  stop(): Promise<void>;
}

function operationOf(headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' ? (target.split('.').pop() ?? '') : '';
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, error: WireError): void {
  res.writeHead(error.status, { ...error.headers, 'content-length': Buffer.byteLength(error.body), 'x-amzn-requestid': 'sluice-fault-proxy' });
  res.end(error.body);
}

/**
 * An HTTP proxy in front of an emulator that injects the faults AWS clients meet in production:
 * throttling (the service's real JSON error, so the SDK retries it with backoff as on AWS), throttling
 * bursts, lost responses (the write happened, the client sees a 500 and retries) and outages
 * (connections reset), and request latency as on AWS (the benchmark's latency-true runs). Functions
 * build their SDK clients inside their modules, so faults go in at the wire: the runtime points
 * `AWS_ENDPOINT_URL_<SERVICE>` at the proxy. Seeded: the same seed makes the same per-request decisions
 * in the same request order.
 *
 * @example
 * const ddb = await startFaultProxy({ target: endpoints.dynamodb, service: 'dynamodb', seed: 7, rules: [{ throttleRate: 0.02 }] });
 * const runtime = await LocalRuntime.start({ endpoints: { ...endpoints, dynamodb: ddb.endpoint } });
 * ddb.setRules(undefined); // checks after the run see the emulator as it is
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats: FaultProxyStats = { forwarded: 0, throttled: 0, lostResponses: 0, refused: 0, delayed: 0, latencyOverruns: 0 };
  let rules = options.rules;
  // A stream of its own, so turning latency on does not change which requests the fault rules hit.
  let sampleLatency = options.latency ? latencySampler(options.latency, options.seed ^ 0x5eed) : undefined;
  const holdUntil = async (due: number) => {
    const wait = due - performance.now();
    if (wait > 0) {
      stats.delayed += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
    } else if (wait < 0) stats.latencyOverruns += 1;
  };
  let downUntil = 0;
  const startedAt = Date.now();
  const sockets = new Set<Socket>();

  const inBurst = (rule: WireFaultRule, now: number) => {
    const bursts = rule.throttleBursts;
    if (bursts === undefined) return false;
    const period = Math.floor((now - startedAt) / bursts.everyMs);
    const start = seededChoice(options.seed, 'burst', period) * (bursts.everyMs - bursts.lengthMs);
    const into = (now - startedAt) % bursts.everyMs;
    return into >= start && into < start + bursts.lengthMs;
  };

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = request(
        { agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (res) => {
          readBody(res).then((data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }), reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = createServer((req, res) => {
    void (async () => {
      if (Date.now() < downUntil) {
        stats.refused += 1;
        req.socket.destroy();
        return;
      }
      const arrived = performance.now();
      const body = await readBody(req);
      const operation = operationOf(req.headers);
      const latencyMs = sampleLatency?.(operation) ?? 0;
      const rule = rules?.find((r) => r.operations === undefined || r.operations.includes(operation));
      const roll = random();
      if (rule && (inBurst(rule, Date.now()) || roll < (rule.throttleRate ?? 0))) {
        stats.throttled += 1;
        const error = throttlingError(options.service, stats.throttled);
        if (latencyMs > 0) await holdUntil(arrived + latencyMs);
        answer(res, error);
        options.onExchange?.({ operation, requestBody: body.toString(), status: error.status, responseBody: error.body, fault: 'throttled' });
        return;
      }
      const lost = rule !== undefined && random() < (rule.lostResponseRate ?? 0);
      const upstream = await forward(req, body);
      stats.forwarded += 1;
      if (latencyMs > 0) await holdUntil(arrived + latencyMs);
      if (lost) {
        stats.lostResponses += 1;
        const error = internalError(options.service);
        answer(res, error);
        options.onExchange?.({ operation, requestBody: body.toString(), status: upstream.status, responseBody: upstream.body.toString(), fault: 'lost-response' });
        return;
      }
      const headers = { ...upstream.headers };
      delete headers['transfer-encoding'];
      res.writeHead(upstream.status, { ...headers, 'content-length': upstream.body.length });
      res.end(upstream.body);
      options.onExchange?.({ operation, requestBody: body.toString(), status: upstream.status, responseBody: upstream.body.toString(), fault: 'none' });
    })().catch(() => {
      // The emulator itself is unreachable: to the client this is a reset connection, as on AWS.
      req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setRules(next) {
      rules = next;
    },
    setLatency(next) {
      sampleLatency = next ? latencySampler(next, options.seed ^ 0x5eed) : undefined;
    },
    async outage(ms) {
      downUntil = Date.now() + ms;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
