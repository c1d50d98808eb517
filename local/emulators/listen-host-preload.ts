/**
 * The code the preload runs in the emulator's Node process: every `net.Server#listen` on a port (HTTP,
 * TLS, plain TCP) gets `host`; listening on a path or an inherited handle is left alone.
 */
function preloadSource(host: string): string {
  return `import net from 'node:net';
const host = ${JSON.stringify(host)};
const listen = net.Server.prototype.listen;
const isPort = (value) => typeof value === 'number' || (typeof value === 'string' && /^\\d+$/.test(value));
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (isPort(first)) {
    if (typeof args[1] === 'string') args[1] = host;
    else args.splice(1, 0, host);
  } else if (first !== null && typeof first === 'object' && 'port' in first && !('path' in first)) {
    args[0] = { ...first, host };
  }
  return listen.apply(this, args);
};
`;
}

/**
 * Node options that make every server a Node child process opens listen on `host`. For emulators with
 * no bind-address setting of their own: kinesis-mock listens on every interface (`0.0.0.0` in its
 * code, no configuration for it). The code travels as a `data:` URL, so there is no file to ship.
 *
 * @example
 * spawn(process.execPath, [...listenHostPreload('127.0.0.1'), 'main.js'], { cwd });
 */
export function listenHostPreload(host: string): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(preloadSource(host))}`];
}
