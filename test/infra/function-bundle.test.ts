import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { SluiceFunction } from '../../infra/sluice-function.ts';

// Bundles for real (esbuild from node_modules, no Docker), as `cdk deploy` does.
describe('what a SluiceFunction ships', () => {
  let outdir: string;
  let bundle: string;
  let sourceMap: { sources: string[]; sourcesContent?: unknown[] };

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleTest');
    new SluiceFunction(stack, 'Recorder', { entry: 'test/helpers/functions/recording-handler.ts', environment: { RECORD_TABLE: 'records' } });
    app.synth();
    // The function's asset folder (the stack's only bundled asset).
    const [asset] = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')))
      .map((name) => join(outdir, name));
    if (!asset) throw new Error(`no bundled function asset in ${outdir}`);
    bundle = readFileSync(join(asset, 'index.mjs'), 'utf8');
    sourceMap = existsSync(join(asset, 'index.mjs.map')) ? (JSON.parse(readFileSync(join(asset, 'index.mjs.map'), 'utf8')) as typeof sourceMap) : { sources: [] };
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('bundles the AWS SDK with everything else: the versions that ship are the lockfile\'s, not the runtime\'s', () => {
    // Assess: no SDK client is left for the runtime to resolve, and the SDK's code is inside. (The SDK's
    // own optional `require('@aws-sdk/signature-v4-crt')`, in a try/catch for SigV4a, stays as it is.)
    expect(bundle).not.toMatch(/(from|import\(|require\()\s*["']@aws-sdk\/client-/);
    expect(sourceMap.sources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
  });

  it('ships a source map with mappings only, which Node parses at each cold start (--enable-source-maps)', () => {
    // Assess
    expect(sourceMap.sources.length).toBeGreaterThan(0);
    expect(sourceMap.sourcesContent ?? []).toEqual([]);
  });
});
