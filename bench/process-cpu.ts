import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by the descendants of a process, read from /proc (Linux only;
 * elsewhere 0). The emulators that are child processes (DynamoDB Local's JVM) show up here, so a run can
 * say how its CPU divided between our process and theirs.
 *
 * @example
 * const before = descendantCpuSeconds(process.pid); await work(); const used = descendantCpuSeconds(process.pid) - before;
 */
export function descendantCpuSeconds(rootPid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const parentOf = new Map<number, number>();
  const ticksOf = new Map<number, number>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid … utime(14) stime(15), counted from 1.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(name), Number(fields[1]));
      ticksOf.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we read.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === rootPid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, t] of ticksOf) if (isDescendant(pid)) ticks += t;
  // USER_HZ is 100 on every Linux Node supports.
  return ticks / 100;
}
