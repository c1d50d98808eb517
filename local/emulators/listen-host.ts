import { isIP } from 'node:net';

/**
 * Where the local runtime's sockets listen unless `sluice dev --host` says otherwise: loopback only. The
 * emulators have no authentication, so anything that can reach them can read and write every queue,
 * table, stream and bucket.
 */
export const LOOPBACK_HOST = '127.0.0.1';

const WILDCARDS = new Set(['0.0.0.0', '::', '::0', '*']);

/**
 * Whether an address stands for every interface (`0.0.0.0`, `::`).
 *
 * @example
 * isWildcardHost('::'); // true
 */
export function isWildcardHost(host: string): boolean {
  return WILDCARDS.has(host);
}

/**
 * Whether an address only accepts connections from this machine (127.0.0.0/8, ::1, or `localhost`).
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost' || address === '::1') return true;
  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIP(ipv4) === 4 && ipv4.startsWith('127.');
}

/**
 * Checks a `--host` value: an IPv4 or IPv6 address (a host name would bind to whatever it resolves to).
 *
 * @throws Error naming the value when it is not an IP address.
 * @example
 * parseListenHost('0.0.0.0'); // '0.0.0.0'
 */
export function parseListenHost(value: string): string {
  const address = value.trim().replace(/^\[|\]$/g, '');
  if (address === 'localhost') return LOOPBACK_HOST;
  if (isIP(address) === 0) throw new Error(`expected an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), got ${JSON.stringify(value)}`);
  return address;
}

/**
 * The URL clients on this machine use to reach a server listening on `host`: a wildcard listens on
 * loopback too, so it is reached at 127.0.0.1; an IPv6 address goes in brackets.
 *
 * @example
 * endpointUrl('0.0.0.0', 4566); // 'http://127.0.0.1:4566'
 * endpointUrl('::1', 4566);     // 'http://[::1]:4566'
 */
export function endpointUrl(host: string, port: number): string {
  if (isWildcardHost(host)) return `http://${LOOPBACK_HOST}:${port}`;
  return isIP(host) === 6 ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
