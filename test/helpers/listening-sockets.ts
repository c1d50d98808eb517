import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A TCP socket in LISTEN state, as the kernel's socket table shows it. */
export interface ListeningSocket {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

const LISTEN = '0A';

/** The socket inodes a process holds open (its /proc/<pid>/fd links `socket:[inode]`). */
function socketInodes(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return match ? [match[1]!] : [];
      } catch {
        return []; // closed while we read
      }
    });
  } catch {
    return []; // the process ended
  }
}

/** /proc/net/tcp* write each 32-bit word of an address in host (little-endian) order. */
function addressBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const chunk = hex.slice(word, word + 8);
    for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(chunk.slice(i, i + 2), 16));
  }
  return bytes;
}

function formatAddress(hex: string): string {
  const bytes = addressBytes(hex);
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
  // The URL parser writes IPv6 in its canonical compressed form.
  return new URL(`http://[${groups}]`).hostname.slice(1, -1);
}

/**
 * Every TCP socket in LISTEN state owned by one of `pids`, read from the kernel's socket tables
 * (/proc/<pid>/net/tcp and tcp6) and matched to the processes through their file descriptors.
 *
 * @example
 * listeningSockets([dev.child.pid!, ...descendantPids(dev.child.pid!)]);
 * // [{ pid: 4242, address: '127.0.0.1', port: 38255 }, …]
 */
export function listeningSockets(pids: readonly number[]): ListeningSocket[] {
  const owner = new Map<string, number>();
  for (const pid of pids) for (const inode of socketInodes(pid)) owner.set(inode, pid);
  const sockets: ListeningSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pids[0]}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1]!, fields[3]!, fields[9]!];
      const pid = owner.get(inode);
      if (state !== LISTEN || pid === undefined) continue;
      const [hex, port] = local.split(':') as [string, string];
      sockets.push({ pid, address: formatAddress(hex), port: parseInt(port, 16) });
    }
  }
  return sockets;
}
