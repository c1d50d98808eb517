import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../tools/python-tools.ts';

/** The pinned MiniStack version (test/tools/requirements.txt); named in skip reasons and docs. */
export const MINISTACK = 'MiniStack 1.5.33';

/** A running MiniStack. */
export interface MiniStackProcess {
  /** `http://127.0.0.1:<port>`: every service answers there, as LocalStack does on 4566. */
  readonly endpoint: string;
  readonly pid: number;
  /** Its log (requests, Lambda worker output, CloudFormation errors). */
  readonly logFile: string;
  /** Stops MiniStack and every Lambda worker it started (one process group); idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts MiniStack in the foreground of a process group of its own, bound to 127.0.0.1 on a free port,
 * and resolves once its health endpoint answers.
 *
 * Its working folder (TMPDIR: unpacked Lambda code, worker scripts) is `.sluice/ministack/<port>/` inside
 * the project on purpose (with a package.json of its own that makes `.js` files CommonJS again): AWS's Node.js runtimes provide the AWS SDK v3 to functions, whose bundles leave it
 * out (esbuild `@aws-sdk/*` external), and MiniStack's local executor does not; a Lambda's code folder
 * under the project finds the project's own `node_modules/@aws-sdk/*` by Node's normal lookup instead.
 *
 * @example
 * const ministack = await startMiniStack(ensurePythonTools().ministack);
 * try { ... } finally { await ministack.stop(); }
 */
export async function startMiniStack(executable: string, options: { readyTimeoutMs?: number } = {}): Promise<MiniStackProcess> {
  const port = await freePort();
  const workDir = join(PROJECT_ROOT, '.sluice/ministack', String(port));
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  // MiniStack's worker script is a CommonJS `.js` file in each function's folder: without this, the
  // project's `"type": "module"` would make Node read it as ESM and the worker would die at start.
  writeFileSync(join(workDir, 'package.json'), '{ "type": "commonjs" }\n');
  const logFile = join(PROJECT_ROOT, '.sluice/ministack', `ministack-${port}.log`);
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(executable, [], {
    cwd: workDir,
    detached: true, // its own process group: stop() ends MiniStack and its Lambda workers together
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      TMPDIR: workDir,
      LOG_LEVEL: process.env.MINISTACK_LOG_LEVEL ?? 'INFO',
    },
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    // Workers that outlived their parent still carry its process group id.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* none left */
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MiniStack exited with code ${child.exitCode} before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${endpoint}/_ministack/health`);
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`MiniStack did not answer at ${endpoint} within ${options.readyTimeoutMs ?? 60_000} ms; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { endpoint, pid: child.pid!, logFile, stop };
}
