import { AsyncLocalStorage } from 'node:async_hooks';

/** Where the output of the invocation running in the current async context goes. */
export interface OutputSink {
  write(stream: 'stdout' | 'stderr', line: string): void;
}

const current = new AsyncLocalStorage<OutputSink>();
let installed = false;

/**
 * Runs `fn` so that whatever it writes to stdout or stderr (console.log, Powertools Logger, …), also from
 * callbacks and promises it starts, reaches `sink` line by line once {@link captureFunctionOutput} is on.
 *
 * @example
 * await withOutputSink({ write: (stream, line) => lines.push(line) }, () => handler(event, context));
 */
export function withOutputSink<T>(sink: OutputSink, fn: () => T): T {
  return current.run(sink, fn);
}

function wrap(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const sink = current.getStore();
    if (sink && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) if (line.trim() !== '') sink.write(name, line);
    }
    return write(chunk, ...rest);
  }) as NodeJS.WriteStream['write'];
}

/**
 * Attributes this process's stdout and stderr writes to the invocation that made them (see
 * {@link withOutputSink}); everything is still written as before. In-process functions share one
 * stdout, so this is how each function's last log lines are known. Installed once, for good.
 *
 * @example
 * captureFunctionOutput(); // sluice dev does, for its console
 */
export function captureFunctionOutput(): void {
  if (installed) return;
  installed = true;
  wrap(process.stdout, 'stdout');
  wrap(process.stderr, 'stderr');
}
