import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkDir, functionCode } from '../../../../local/runtime/function-code.ts';
import type { CfnResource } from '../../../../local/template/types.ts';

function lambda(properties: Record<string, unknown>, metadata?: Record<string, unknown>): CfnResource {
  return { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', ...properties }, ...(metadata ? { Metadata: metadata } : {}) };
}

/** A cloud assembly folder with one asset `hash` whose source is `path` (relative: staged inside). */
function assembly(hash: string, path: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-asm-'));
  writeFileSync(join(dir, 'App.assets.json'), JSON.stringify({ files: { [hash]: { source: { path, packaging: 'zip' } } } }));
  if (!path.startsWith('/')) {
    mkdirSync(join(dir, path));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, path, name), text);
  }
  return dir;
}

describe('functionCode', () => {
  const projectRoot = '/home/me/app';

  it('runs a sluice function from the entry its construct recorded, relative to the project', () => {
    // Act
    const code = functionCode('Fn', lambda({}, { 'sluice:entry': 'handlers/worker.ts', 'sluice:handler': 'main' }), { projectRoot, workDir: createWorkDir() });

    // Assess
    expect(code).toEqual({ kind: 'source', modulePath: '/home/me/app/handlers/worker.ts', handlerName: 'main', entry: 'handlers/worker.ts' });
  });

  it('runs any other Node.js function from a copy of its bundled asset, where .js is CommonJS as in /var/task', () => {
    // Prepare
    const dir = assembly('abc', 'asset.abc', { 'index.js': 'exports.handler = async () => 1;' });
    const workDir = createWorkDir();

    // Act
    const code = functionCode('Plain', lambda({ Code: { S3Bucket: 'b', S3Key: 'abc.zip' } }), { projectRoot, assemblyDir: dir, workDir });

    // Assess
    expect(code).toMatchObject({ kind: 'asset', handlerName: 'handler', modulePath: join(workDir, 'Plain', 'index.js') });
    expect(JSON.parse(readFileSync(join(workDir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });

  it('asks for a bundled synthesis when the asset is a NodejsFunction whose bundling was skipped', () => {
    // Prepare: skipped bundling stages the asset at the project folder, outside the assembly.
    const dir = assembly('abc', '/home/me/app');

    // Act
    const code = functionCode('Plain', lambda({ Code: { S3Bucket: 'b', S3Key: 'abc.zip' } }), { projectRoot, assemblyDir: dir, workDir: createWorkDir() });

    // Assess
    expect(code).toEqual({ kind: 'unsupported', reason: 'its asset is not bundled', needsBundling: true });
  });

  it.each([
    ['a Python runtime', lambda({ Runtime: 'python3.12' }), 'runtime python3.12 is not emulated (Node.js only)'],
    ['a container image', lambda({ PackageType: 'Image' }), 'container image functions are not run locally'],
    ['a handler without a file', lambda({ Handler: 'handler', Code: { ZipFile: 'x' } }), 'handler "handler" is not <file>.<export>'],
    ['an asset missing from the assembly', lambda({ Code: { S3Key: 'nope.zip' } }), 'its code asset is not in the cloud assembly'],
  ])('names the reason it cannot run %s', (_what, resource, reason) => {
    expect(functionCode('Fn', resource, { projectRoot, assemblyDir: assembly('abc', 'asset.abc'), workDir: createWorkDir() })).toEqual({ kind: 'unsupported', reason });
  });
});
