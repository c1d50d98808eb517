import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a V8 CPU profile's self time went, grouped by package (or our top folder, or `(idle)`,
 * `(garbage collector)` …), as shares of all samples.
 *
 * @example
 * selfTimeByOwner(JSON.parse(readFileSync('CPU.cpuprofile', 'utf8'))); // [['(idle)', 0.41], ['@smithy/core', 0.07], …]
 */
export function selfTimeByOwner(profile: CpuProfile, root = process.cwd()): [string, number][] {
  const ownerOf = new Map<number, string>();
  for (const node of profile.nodes) ownerOf.set(node.id, ownerOfUrl(node.callFrame.url, node.callFrame.functionName, root));
  const sums = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const owner = ownerOf.get(id) ?? '?';
    sums.set(owner, (sums.get(owner) ?? 0) + dt);
  });
  return [...sums].map(([owner, t]) => [owner, t / total] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/**
 * Who owns a code location: the npm package, our top folder, Node's internals, or V8's pseudo-frames.
 *
 * @example
 * ownerOfUrl('file:///repo/node_modules/@smithy/core/dist/index.js', 'x', '/repo'); // '@smithy/core'
 */
export function ownerOfUrl(url: string, functionName: string, root: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  if (url.startsWith('node:')) return 'node (internals)';
  const path = url.replace(/^file:\/\//, '').replace(/\?.*$/, '');
  if (path.startsWith(root)) return `${path.slice(root.length).replace(/^\//, '').split('/')[0]}/`;
  return path;
}

/**
 * Own self time (not under node_modules) by function, largest first: what in our code is hot.
 *
 * @example
 * hottestOwnFunctions(profile, 10);
 */
export function hottestOwnFunctions(profile: CpuProfile, limit: number, root = process.cwd()): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sums = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const frame = byId.get(id)?.callFrame;
    if (!frame || !frame.url.includes(root) || frame.url.includes('node_modules')) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^file:\/\//, '').replace(root, '').replace(/\?.*$/, '')}:${frame.lineNumber + 1}`;
    sums.set(key, (sums.get(key) ?? 0) + dt);
  });
  return [...sums].map(([k, t]) => [k, t / total] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, limit);
}

// CLI: tsx bench/cpu-profile-summary.ts FILE.cpuprofile
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CpuProfile;
  for (const [owner, share] of selfTimeByOwner(profile).slice(0, 20)) console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${owner}`);
  console.log('-- our code, self time --');
  for (const [fn, share] of hottestOwnFunctions(profile, 15)) console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${fn}`);
}
