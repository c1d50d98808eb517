import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header that carries the token `sluice dev` printed, on every request that changes state. */
export const TOKEN_HEADER = 'x-sluice-console-token';

/** Why a request is refused: the HTTP status and a one-line reason. */
export interface Refusal {
  readonly status: 403 | 415 | 421;
  readonly reason: string;
}

/**
 * The names the console answers to: loopback on its port. Anything else in `Host` is another site's
 * name resolving to 127.0.0.1 (DNS rebinding), whose pages must not read the console.
 *
 * @example
 * consoleAuthorities(4580); // ['127.0.0.1:4580', 'localhost:4580', '[::1]:4580']
 */
export function consoleAuthorities(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the console serves a request. Refused: a `Host` that is not the console's own (DNS
 * rebinding); an `Origin` or `Sec-Fetch-Site` that says another site sent it (the console sends no CORS
 * headers either, so browsers keep other pages from reading its answers). A request that changes state
 * must also be JSON (a cross-site form cannot send that) and carry the token `sluice dev` printed.
 *
 * @example
 * const refusal = refuseRequest({ method: req.method, headers: req.headers, port, token });
 * if (refusal) { res.writeHead(refusal.status); res.end(refusal.reason); }
 */
export function refuseRequest(request: { method?: string | undefined; headers: IncomingHttpHeaders; port: number; token: string }): Refusal | undefined {
  const { headers, port } = request;
  const authorities = consoleAuthorities(port);
  if (!authorities.includes(String(headers.host ?? '').toLowerCase())) {
    return { status: 421, reason: `the console answers to ${authorities.join(', ')} only` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !authorities.map((a) => `http://${a}`).includes(origin.toLowerCase())) {
    return { status: 403, reason: 'cross-origin requests are refused' };
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, reason: 'cross-site requests are refused' };
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return undefined;
  if (!String(headers['content-type'] ?? '').startsWith('application/json')) return { status: 415, reason: 'actions take a JSON body' };
  const token = headers[TOKEN_HEADER];
  if (typeof token !== 'string' || !sameToken(token, request.token)) {
    return { status: 403, reason: 'this action needs the console token `sluice dev` printed in its terminal' };
  }
  return undefined;
}
