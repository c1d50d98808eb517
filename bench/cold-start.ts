import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { repoRoot } from './repo-root.ts';
import { median } from './stats.ts';
import { BATCH_ENV } from '../shared/batch/contract.ts';
import { QUEUE_ENV } from '../shared/queue/contract.ts';
import { ORDERS_ENV } from '../examples/orders/lib/orders-contract.ts';
import { STREAM_ENV } from '../shared/stream/contract.ts';

/** A handler measured for cold start. */
export interface ColdStartTarget {
  name: string;
  /** Entry relative to the repository root. */
  entry: string;
}

interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  byPackage: [string, number][];
}

export interface BundleFigures {
  bytes: number;
  /** Output bytes per package, largest first. */
  byPackage: [string, number][];
  gzipBytes: number;
  /** The source map beside the bundle (mappings only, as SluiceFunction ships it). */
  mapBytes?: number;
  /** Median import time of the bundle in a fresh Node process (wall clock), ms; undefined when the import failed. */
  importMs?: number;
  importSamples: number[];
  /** Median CPU time (user + system) of the same imports, ms: what the import costs, whatever else the machine runs. */
  importCpuMs?: number;
  importCpuSamples?: number[];
  importError?: string;
}

export interface ColdStartResult {
  target: ColdStartTarget;
  sdkExternal: BundleFigures;
  sdkBundled: BundleFigures;
}

// Bundles live under node_modules/.cache so an SDK-external bundle resolves @aws-sdk/* from the project.
const OUT_DIR = join(repoRoot, 'node_modules', '.cache', 'sluice-bench');

// Module scope of every function reads its configuration: give each variable a placeholder.
const PLACEHOLDER_ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  ...Object.fromEntries(
    [
      QUEUE_ENV.queueUrl, QUEUE_ENV.dlqUrl, QUEUE_ENV.dedupTable, QUEUE_ENV.dedupScope, ...Object.values(ORDERS_ENV),
      BATCH_ENV.bucket, BATCH_ENV.stateMachineArn, BATCH_ENV.summaryTable, STREAM_ENV.pipelineName, STREAM_ENV.resultsTable,
      STREAM_ENV.failureQueueUrl, 'INVOICES_TABLE', 'BALANCES_TABLE',
    ].map((name) => [name, name.endsWith('_URL') ? `https://sqs.us-east-1.amazonaws.com/000000000000/${name.toLowerCase()}` : `bench-${name.toLowerCase()}`]),
  ),
};

/**
 * Every function sluice deploys itself (functions/), the Orders sample's (examples/orders/functions/),
 * the handler `sluice init` scaffolds, the Powertools baseline, and the AWS SDK's DynamoDB client on its
 * own (what both workers cannot go below).
 *
 * @example
 * const targets = await coldStartTargets(); // [{ name: 'order-worker', entry: 'examples/orders/functions/order-worker.ts' }, …]
 */
export async function coldStartTargets(): Promise<ColdStartTarget[]> {
  const folders = ['functions', 'examples/orders/functions'];
  const functions = (await Promise.all(folders.map(async (dir) => (await readdir(join(repoRoot, dir))).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`)))).flat();
  return [
    ...functions.sort().map((entry) => ({ name: basename(entry, '.ts'), entry })),
    { name: 'sluice init app: invoice-worker', entry: await scaffoldHandlers() },
    { name: 'powertools-order-worker (baseline)', entry: 'bench/baselines/powertools-order-worker.ts' },
    { name: 'DynamoDB client alone (the floor of both)', entry: 'bench/floors/dynamodb-client.ts' },
  ];
}

/**
 * The scaffold's handler files (templates/app/handlers/*.ts.tmpl, which hold no placeholders) copied as
 * .ts into .scratch/, inside this package: they import `sluice/*`, which resolves to the sources here as
 * it resolves to dist/ in a scaffolded app.
 */
async function scaffoldHandlers(): Promise<string> {
  const templates = join(repoRoot, 'templates', 'app', 'handlers');
  const folder = join('.scratch', 'bench-scaffold');
  await mkdir(join(repoRoot, folder), { recursive: true });
  for (const file of (await readdir(templates)).filter((f) => f.endsWith('.ts.tmpl'))) {
    await copyFile(join(templates, file), join(repoRoot, folder, file.replace(/\.tmpl$/, '')));
  }
  return join(folder, 'invoice-worker.ts');
}

/**
 * Bundles an entry as SluiceFunction does for Lambda (esbuild, ESM, minified, node22, the same
 * `require` banner, a source map with mappings only), with every dependency bundled (what SluiceFunction
 * ships) or with `@aws-sdk/*` left to the runtime (NodejsFunction's default, for comparison).
 *
 * @example
 * const { file, bytes } = await bundleHandler('functions/order-worker.ts', { sdkExternal: true });
 */
export async function bundleHandler(entry: string, options: { sdkExternal: boolean }): Promise<BuiltBundle> {
  await mkdir(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${basename(entry, '.ts')}${options.sdkExternal ? '.sdk-external' : '.sdk-bundled'}.mjs`);
  const result = await build({
    entryPoints: [join(repoRoot, entry)],
    outfile: file,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: options.sdkExternal ? ['@aws-sdk/*'] : [],
    sourcemap: true,
    sourcesContent: false,
    // The sample imports sluice by its public name: bundle the sources, as a user's bundle takes dist/.
    conditions: ['sluice-source'],
    banner: { js: "import { createRequire as __sluiceCreateRequire } from 'module'; const require = __sluiceCreateRequire(import.meta.url);" },
    logLevel: 'silent',
    metafile: true,
  });
  const bytes = (await stat(file)).size;
  // The metafile lists the source map as an output too: the bundle's inputs are under the .mjs.
  const inputs = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1].inputs ?? {};
  const mapBytes = (await stat(`${file}.map`)).size;
  return { file, bytes, gzipBytes: gzipSync(await readFile(file)).length, mapBytes, byPackage: bytesByPackage(inputs) };
}

/**
 * Output bytes per npm package (our own files grouped by top folder), largest first.
 *
 * @example
 * bytesByPackage({ 'node_modules/zod/v4/core.js': { bytesInOutput: 10 }, 'shared/x.ts': { bytesInOutput: 2 } });
 * // [['zod', 10], ['shared/', 2]]
 */
export function bytesByPackage(inputs: Record<string, { bytesInOutput: number }>): [string, number][] {
  const sums = new Map<string, number>();
  for (const [path, input] of Object.entries(inputs)) {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = inPackage ? inPackage[1]! : `${path.split('/')[0]}/`;
    sums.set(key, (sums.get(key) ?? 0) + input.bytesInOutput);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const IMPORT_PROBE = `const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;

/**
 * Imports a bundle in a fresh Node process, with source maps on as SluiceFunction sets them
 * (`NODE_OPTIONS=--enable-source-maps`), and returns how long the import (module evaluation with its
 * whole graph: SDK clients, schema, handler setup) took: wall clock and CPU, in ms.
 *
 * @example
 * const { ms, cpuMs } = await importTime('/tmp/order-worker.mjs');
 */
export function importTime(file: string): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', IMPORT_PROBE, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...PLACEHOLDER_ENVIRONMENT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(err.trim().split('\n').find((l) => /Error/.test(l)) ?? `exit ${code}`));
      try {
        resolve(JSON.parse(out) as { ms: number; cpuMs: number });
      } catch {
        reject(new Error(`unreadable probe output: ${out.slice(0, 200)}`));
      }
    });
  });
}

/**
 * Bundle sizes (SDK external and bundled) and median import times of each target. Imports run round
 * robin (target 1, 2, …, 1, 2, …) so a burst of load on the shared machine hits every target alike.
 *
 * @example
 * const results = await measureColdStarts(await coldStartTargets(), { samples: 10 });
 */
export async function measureColdStarts(targets: readonly ColdStartTarget[], options: { samples: number; log?: (line: string) => void }): Promise<ColdStartResult[]> {
  const bundles = [];
  for (const target of targets) {
    const external = await bundleHandler(target.entry, { sdkExternal: true });
    const bundled = await bundleHandler(target.entry, { sdkExternal: false });
    bundles.push({ target, external, bundled });
  }
  const samples = new Map<string, number[]>();
  const cpuSamples = new Map<string, number[]>();
  const errors = new Map<string, string>();
  for (let round = 0; round < options.samples; round++) {
    for (const { external, bundled } of bundles) {
      for (const file of [external.file, bundled.file]) {
        if (errors.has(file)) continue;
        try {
          const { ms, cpuMs } = await importTime(file);
          samples.set(file, [...(samples.get(file) ?? []), ms]);
          cpuSamples.set(file, [...(cpuSamples.get(file) ?? []), cpuMs]);
        } catch (error) {
          errors.set(file, (error as Error).message);
        }
      }
    }
    options.log?.(`  cold start: round ${round + 1}/${options.samples}`);
  }
  const figures = (bundle: BuiltBundle): BundleFigures => {
    const taken = samples.get(bundle.file) ?? [];
    const cpu = cpuSamples.get(bundle.file) ?? [];
    const error = errors.get(bundle.file);
    return {
      bytes: bundle.bytes,
      byPackage: bundle.byPackage,
      gzipBytes: bundle.gzipBytes,
      mapBytes: bundle.mapBytes,
      importSamples: taken,
      importCpuSamples: cpu,
      ...(taken.length > 0 && !error ? { importMs: median(taken), importCpuMs: median(cpu) } : {}),
      ...(error ? { importError: error } : {}),
    };
  };
  return bundles.map(({ target, external, bundled }) => ({ target, sdkExternal: figures(external), sdkBundled: figures(bundled) }));
}
