import type { RunningConsole } from '../../../console/console-server.ts';
import type { ConsoleRuntime } from '../../../console/console-runtime.ts';

/** Where the console listens unless `--console-port` says otherwise (a free port when it is taken). */
export const DEFAULT_CONSOLE_PORT = 4580;

/**
 * Starts the `sluice dev` console on 127.0.0.1: on `port` when given (its failure is the user's to
 * see), else on {@link DEFAULT_CONSOLE_PORT}, or on a free port when another process has that one.
 *
 * @example
 * const console = await startDevConsole(runtime, { title: 'my-app' });
 */
export async function startDevConsole(runtime: ConsoleRuntime, options: { port?: number; title: string }): Promise<RunningConsole> {
  // Loaded here so `sluice dev --no-console` never loads the console or its layout library.
  const { startConsole } = await import('../../../console/console-server.ts');
  if (options.port !== undefined) return startConsole({ runtime, port: options.port, title: options.title });
  try {
    return await startConsole({ runtime, port: DEFAULT_CONSOLE_PORT, title: options.title });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startConsole({ runtime, port: 0, title: options.title });
  }
}
