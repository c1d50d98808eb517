import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ENTRY_METADATA_KEY, HANDLER_METADATA_KEY } from '../../infra/sluice-function.ts';
import type { CfnResource } from '../template/types.ts';

/** How the runtime runs one `AWS::Lambda::Function` of the template, or why it cannot. */
export type FunctionCode =
  /** A sluice function: its source entry (TypeScript or JavaScript), loaded in-process. */
  | { readonly kind: 'source'; readonly modulePath: string; readonly handlerName: string; readonly entry: string }
  /** Any other Node.js function: its synthesized asset (what ships), or its inline code. */
  | { readonly kind: 'asset'; readonly modulePath: string; readonly handlerName: string; readonly entry: string }
  /** Not runnable here; `needsBundling` says a bundled synthesis would make it runnable. */
  | { readonly kind: 'unsupported'; readonly reason: string; readonly needsBundling?: boolean };

export interface FunctionCodeContext {
  /** Where recorded entries resolve from (the app's working directory at synth). */
  readonly projectRoot: string;
  /** The cloud assembly holding the function assets, if any. */
  readonly assemblyDir?: string;
  /** A folder of this runtime's own, for copies of assets and inline code. */
  readonly workDir: string;
}

/**
 * Decides how a function of the template runs locally. sluice functions run from the entry their
 * construct recorded; other Node.js functions run from their asset in the cloud assembly (copied to a
 * folder of their own, so a `.js` bundle is CommonJS as in Lambda's `/var/task`) or from inline code;
 * anything else is reported with the reason.
 *
 * @example
 * const code = functionCode('WorkerFn12AB', resource.definition, { projectRoot, assemblyDir, workDir });
 * if (code.kind === 'unsupported') log(`not run locally: ${code.reason}`);
 */
export function functionCode(logicalId: string, resource: CfnResource, context: FunctionCodeContext): FunctionCode {
  const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
  if (typeof entry === 'string') {
    return { kind: 'source', modulePath: resolve(context.projectRoot, entry), handlerName: String(resource.Metadata?.[HANDLER_METADATA_KEY] ?? 'handler'), entry };
  }
  const props = resource.Properties ?? {};
  const runtime = String(props.Runtime ?? '');
  if (props.PackageType === 'Image') return { kind: 'unsupported', reason: 'container image functions are not run locally' };
  if (!runtime.startsWith('nodejs')) return { kind: 'unsupported', reason: `runtime ${runtime || '(none)'} is not emulated (Node.js only)` };
  const handler = String(props.Handler ?? 'index.handler');
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return { kind: 'unsupported', reason: `handler "${handler}" is not <file>.<export>` };
  const file = handler.slice(0, dot);
  const handlerName = handler.slice(dot + 1);
  const code = (props.Code ?? {}) as { ZipFile?: unknown; S3Key?: unknown };
  if (typeof code.ZipFile === 'string') {
    const dir = commonJsFolder(context.workDir, logicalId);
    writeFileSync(join(dir, `${file}.js`), code.ZipFile);
    return { kind: 'asset', modulePath: join(dir, `${file}.js`), handlerName, entry: '(inline code)' };
  }
  const assetHash = typeof code.S3Key === 'string' ? code.S3Key.replace(/\.zip$/, '') : undefined;
  const source = assetHash && context.assemblyDir ? assetSourcePath(context.assemblyDir, assetHash) : undefined;
  if (!source) return { kind: 'unsupported', reason: 'its code asset is not in the cloud assembly' };
  // Skipped bundling stages a NodejsFunction at its project folder, outside the assembly: not what ships.
  if (!isInside(source, context.assemblyDir!)) return { kind: 'unsupported', reason: 'its asset is not bundled', needsBundling: true };
  const modulePath = ['.mjs', '.cjs', '.js'].map((ext) => join(source, `${file}${ext}`)).find((f) => existsSync(f));
  if (!modulePath) return { kind: 'unsupported', reason: `its asset has no ${file}.mjs, ${file}.cjs or ${file}.js` };
  const copy = commonJsFolder(context.workDir, logicalId);
  cpSync(source, copy, { recursive: true });
  return { kind: 'asset', modulePath: join(copy, relative(source, modulePath)), handlerName, entry: relative(context.projectRoot, modulePath) };
}

/** A folder whose `.js` files Node reads as CommonJS unless a package.json inside says otherwise. */
function commonJsFolder(workDir: string, name: string): string {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  const marker = join(workDir, 'package.json');
  if (!existsSync(marker)) writeFileSync(marker, '{ "type": "commonjs" }\n');
  return dir;
}

/**
 * A scratch folder for asset copies, outside any project (so no project package.json applies). Bundles
 * leave the AWS SDK out because the Lambda runtime provides it: here the folder's `node_modules` points
 * at the one sluice's own SDK clients are installed in, which stands in for the runtime's.
 *
 * @example
 * const workDir = createWorkDir(); // /tmp/sluice-functions-Ab12Cd
 */
export function createWorkDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-functions-'));
  const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-sqs/package.json');
  symlinkSync(dirname(dirname(dirname(sdk))), join(dir, 'node_modules'), 'dir');
  return dir;
}

function assetSourcePath(assemblyDir: string, assetHash: string): string | undefined {
  for (const name of readdirSync(assemblyDir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(readFileSync(join(assemblyDir, name), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
    const path = manifest.files?.[assetHash]?.source?.path;
    if (path) return isAbsolute(path) ? path : join(assemblyDir, path);
  }
  return undefined;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

