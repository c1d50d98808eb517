import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process that is killed with its whole process group, also when the parent exits. */
export interface ManagedChild {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * Spawns a long-running emulator in its own process group, so `stop()` also ends the JVM or
 * Node workers it starts, and a crash of the parent never leaves it behind.
 *
 * @example
 * const ddb = spawnManaged('java', ['-jar', jar], { cwd });
 * await ddb.stop();
 */
export function spawnManaged(command: string, args: string[], options: SpawnOptions): ManagedChild {
  const child = spawn(command, args, { ...options, detached: true, stdio: options.stdio ?? 'ignore' });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => running.forEach((c) => killGroup(c, 'SIGKILL')));
  }
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
