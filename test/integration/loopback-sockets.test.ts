import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { DYNAMODB_CORS_ALLOW_LIST } from '../../local/emulators/dynamodb-local.ts';
import { freePort } from '../../local/emulators/free-port.ts';
import { isLoopbackHost } from '../../local/emulators/listen-host.ts';
import { listenHostPreload } from '../../local/emulators/listen-host-preload.ts';
import { commandLine, descendantPids, startDev, type DevProcess } from '../helpers/cli-process.ts';
import { listeningSockets, type ListeningSocket } from '../helpers/listening-sockets.ts';

/** Every TCP listener of `sluice dev` and the emulator processes below it. */
function devListeners(dev: DevProcess): ListeningSocket[] {
  const root = dev.child.pid!;
  return listeningSockets([root, ...descendantPids(root)]);
}

function portOf(url: string | undefined): number {
  return Number(new URL(url!).port);
}

/** The endpoints `sluice dev` published: the emulators and its Step Functions API. */
function publishedPorts(dev: DevProcess): number[] {
  const { sqs, dynamodb, kinesis, sfn } = dev.state.endpoints;
  return [sqs, dynamodb, kinesis, sfn].map(portOf);
}

/** The status of a GET sent with another `Host` (a DNS name rebound to 127.0.0.1); fetch keeps Host to itself. */
function statusWithHost(url: URL, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** The console's address, as the banner prints it. */
function consoleUrl(dev: DevProcess): string {
  return /^console: (http:\/\/\S+)/m.exec(dev.output.stdout)![1]!;
}

describe('sluice dev listens on loopback only', () => {
  let dev: DevProcess;

  beforeAll(async () => {
    dev = await startDev(['--no-pollers']);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('binds every listening socket of its process tree to 127.0.0.1 or ::1, and prints only loopback addresses', () => {
    // Act
    const sockets = devListeners(dev);

    // Assess: the published endpoints are among the sockets read (the table is not empty by mistake) …
    const ports = sockets.map((s) => s.port);
    for (const port of [...publishedPorts(dev), portOf(dev.state.endpoints.controlPlane), portOf(consoleUrl(dev))]) expect(ports).toContain(port);
    // … kinesis-mock's TLS listener included (the sample has a stream) …
    const kinesisPid = sockets.find((s) => s.port === portOf(dev.state.endpoints.kinesis))!.pid;
    expect(sockets.filter((s) => s.pid === kinesisPid)).toHaveLength(2);
    // … and not one of them listens beyond this machine.
    expect(sockets.filter((s) => !isLoopbackHost(s.address))).toEqual([]);
    const printedHosts = new Set([...dev.output.stdout.matchAll(/https?:\/\/([^/:\s]+|\[[^\]]+\])/g)].map((m) => m[1]));
    expect([...printedHosts]).toEqual(['127.0.0.1']);
    expect(dev.output.stderr).not.toContain('WARNING');
  });

  it('runs DynamoDB Local with telemetry off and a CORS allow-list that admits no web origin', async () => {
    // Prepare
    const dynamodbPort = portOf(dev.state.endpoints.dynamodb);
    const java = devListeners(dev).find((s) => s.port === dynamodbPort)!;

    // Act: a web page's preflight, as a browser sends it before calling DynamoDB from JavaScript.
    const preflight = await fetch(dev.state.endpoints.dynamodb, {
      method: 'OPTIONS',
      headers: { origin: 'http://attacker.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });

    // Assess
    expect(commandLine(java.pid)).toContain(`-disableTelemetry -cors ${DYNAMODB_CORS_ALLOW_LIST}`);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("serves its console to its own page only: other sites' requests and actions without the printed token are refused", async () => {
    // Prepare
    const url = consoleUrl(dev);
    const token = /^console token: (\S+)$/m.exec(dev.output.stdout)![1]!;
    const replay = new URL('api/queues/OrdersQueueC538DD4C/replay', url);
    const json = { 'content-type': 'application/json' };

    // Act
    const [page, queues, foreign, rebound, noToken, wrongType, withToken] = await Promise.all([
      fetch(url),
      fetch(new URL('api/queues', url)),
      fetch(new URL('api/queues', url), { headers: { origin: 'http://attacker.example' } }),
      statusWithHost(new URL('api/queues', url), `attacker.example:${portOf(url)}`),
      fetch(replay, { method: 'POST', headers: json, body: '{}' }),
      fetch(replay, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-sluice-console-token': token }, body: '{}' }),
      fetch(replay, { method: 'POST', headers: { ...json, 'x-sluice-console-token': token }, body: '{}' }),
    ]);

    // Assess
    expect([page.status, page.headers.get('content-security-policy')?.includes("frame-ancestors 'none'"), page.headers.get('access-control-allow-origin')]).toEqual([200, true, null]);
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name)).toContain('Orders');
    expect([foreign.status, rebound, noToken.status, wrongType.status]).toEqual([403, 421, 403, 415]);
    expect(withToken.status).toBe(200);
    expect(await withToken.json()).toEqual({ replayed: 0, left: 0, complete: true, summary: 'replayed 0 dead letters from the Orders DLQ to Orders; 0 left in the DLQ' });
  });
});

describe('sluice dev --host', () => {
  it('listens on the --host address when asked, console and control plane excepted, and warns that the emulators are unauthenticated', async () => {
    // Prepare
    const consolePort = await freePort();
    const dev = await startDev(['--no-pollers', '--host', '0.0.0.0', '--console-port', String(consolePort)]);
    try {
      // Act
      const sockets = devListeners(dev);

      // Assess: each published endpoint listens on every interface, and is still printed as reachable here …
      for (const port of publishedPorts(dev)) expect(sockets.filter((s) => s.port === port).map((s) => s.address)).toEqual(['0.0.0.0']);
      // … but the console stays on loopback, on the port asked for, and so does the read-only control plane.
      expect(consoleUrl(dev)).toBe(`http://127.0.0.1:${consolePort}/`);
      expect(sockets.filter((s) => s.port === consolePort).map((s) => s.address)).toEqual(['127.0.0.1']);
      expect(sockets.filter((s) => s.port === portOf(dev.state.endpoints.controlPlane)).map((s) => s.address)).toEqual(['127.0.0.1']);
      expect(dev.state.endpoints.sqs).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(dev.output.stderr).toContain('WARNING: the emulators listen on 0.0.0.0 (--host) without authentication');
    } finally {
      await dev.stop();
    }
  });

  it('keeps every server of a Node process on the preload address, whatever address the code asks for', () => {
    // Prepare: listens as kinesis-mock and fauxqs do (no host, then 0.0.0.0 in an options object).
    const script =
      "const net = require('node:net'); const a = net.createServer().listen(0, () => { const b = net.createServer().listen({ port: 0, host: '0.0.0.0' }, () => {" +
      ' console.log(JSON.stringify([a.address().address, b.address().address])); a.close(); b.close(); }); });';

    // Act
    const out = execFileSync(process.execPath, [...listenHostPreload('127.0.0.1'), '-e', script], { encoding: 'utf8' });

    // Assess
    expect(JSON.parse(out)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});
