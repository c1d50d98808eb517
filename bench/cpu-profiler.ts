import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * Profiles this process's CPU only while `work` runs (not setup such as CDK synth) and writes a
 * `.cpuprofile` (open it in Chrome DevTools, or summarize it with bench/cpu-profile-summary.ts).
 *
 * @example
 * await profileWhile('/tmp/job.cpuprofile', () => bench.runJob(key, 16));
 */
export async function profileWhile<T>(file: string, work: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return value;
  } finally {
    session.disconnect();
  }
}
