import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { App, AppProps } from 'aws-cdk-lib';
import { LOCAL_SYNTH_CONTEXT_KEY } from '../../infra/sluice-function.ts';
import type { CfnTemplate } from './types.ts';
import { withProcessEnvironment } from '../runtime/process-environment.ts';

/**
 * Context every local synthesis sets: no esbuild bundling (the runtime runs sluice functions from their
 * source), SluiceFunctions without a code asset even when a second pass bundles the stack's other
 * functions (see {@link LoadedApp.bundleAssets}), and `sluice:checks` off, which apps made by
 * `sluice init` (and the sample) read to skip cdk-nag: only deployments need it.
 */
export const LOCAL_SYNTH_CONTEXT: Record<string, unknown> = {
  'aws:cdk:bundling-stacks': [],
  'sluice:checks': 'off',
  [LOCAL_SYNTH_CONTEXT_KEY]: true,
};

/** Where the template comes from. */
export type AppSource =
  /** A synthesized template file (e.g. `cdk.out/MyStack.template.json`); assets are looked up beside it. */
  | { readonly templateFile: string }
  /** A cloud assembly folder (`cdk.out`) already synthesized; `stack` picks one when it holds several. */
  | { readonly assembly: string; readonly stack?: string }
  /** A CDK app built in this process, e.g. `(props) => createApp(props)`; `props` carries the local context. */
  | { readonly app: (props: AppProps) => App | Promise<App>; readonly stack?: string }
  /** A CDK project: its `cdk.json` app command is run as `cdk synth` runs it (default: the working directory). */
  | { readonly projectDir: string; readonly stack?: string };

/** A synthesized stack as the local runtime needs it. */
export interface LoadedApp {
  readonly template: CfnTemplate;
  readonly stackName: string;
  /** The folder entries and relative paths resolve from (the app's working directory at synth). */
  readonly projectRoot: string;
  /** The cloud assembly folder, when there is one: the runtime reads function assets from it. */
  readonly assemblyDir?: string;
  /**
   * Synthesizes again with bundling on for this stack (sluice functions still skip theirs), so functions
   * that only exist as bundled assets can run as they ship. Absent when the source cannot bundle.
   */
  readonly bundleAssets?: () => Promise<LoadedApp>;
  /** Removes the temporary assembly a local synthesis wrote (nothing for a template or assembly of yours). */
  dispose(): void;
}

interface AssemblyManifest {
  readonly artifacts?: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string; stackName?: string } }>;
}

/**
 * The one source of truth for the local runtime: the synthesized CloudFormation template of a stack,
 * from a template file, a cloud assembly, an in-process CDK app or a CDK project (its `cdk.json`).
 * Local synthesis skips what only deployment needs (bundling, validation plugins).
 *
 * @example
 * const fromProject = await loadApp({ projectDir: process.cwd() });
 * const fromApp = await loadApp({ app: (props) => createApp(props), stack: 'Sluice' });
 * const fromFile = await loadApp({ templateFile: 'cdk.out/Sluice.template.json' });
 */
export async function loadApp(source: AppSource): Promise<LoadedApp> {
  if ('templateFile' in source) return fromTemplateFile(source.templateFile);
  if ('assembly' in source) return fromAssembly(resolve(source.assembly), source.stack, dirname(resolve(source.assembly)));
  if ('app' in source) return fromInProcessApp(source.app, source.stack, LOCAL_SYNTH_CONTEXT);
  return fromProject(resolve(source.projectDir), source.stack, LOCAL_SYNTH_CONTEXT);
}

/**
 * The template of a stack, from any {@link AppSource}.
 *
 * @example
 * const template = await loadTemplate({ templateFile: 'cdk.out/Sluice.template.json' });
 */
export async function loadTemplate(source: AppSource): Promise<CfnTemplate> {
  return (await loadApp(source)).template;
}

function fromTemplateFile(templateFile: string): LoadedApp {
  const file = resolve(templateFile);
  if (!existsSync(file)) throw new Error(`template file not found: ${file}`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
  const assemblyDir = dirname(file);
  return {
    template,
    stackName: file.split('/').pop()!.replace(/\.template\.json$/, ''),
    // cdk.out sits in the project folder: entries recorded at synth resolve from its parent.
    projectRoot: dirname(assemblyDir),
    assemblyDir,
    dispose: () => undefined,
  };
}

function fromAssembly(assemblyDir: string, stack: string | undefined, projectRoot: string): LoadedApp {
  const manifestFile = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json): run \`cdk synth\` first`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as AssemblyManifest;
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => ({ id, name: a.properties?.stackName ?? a.displayName ?? id, templateFile: a.properties?.templateFile ?? `${id}.template.json` }));
  const chosen = pickStack(stacks, stack, assemblyDir);
  const template = JSON.parse(readFileSync(join(assemblyDir, chosen.templateFile), 'utf8')) as CfnTemplate;
  return { template, stackName: chosen.name, projectRoot, assemblyDir, dispose: () => undefined };
}

function pickStack<S extends { id: string; name: string }>(stacks: readonly S[], wanted: string | undefined, where: string): S {
  const names = stacks.map((s) => s.name).join(', ') || 'none';
  if (wanted) {
    const found = stacks.find((s) => s.name === wanted || s.id === wanted);
    if (!found) throw new Error(`stack ${wanted} is not in ${where} (stacks: ${names})`);
    return found;
  }
  if (stacks.length !== 1) throw new Error(`${where} has ${stacks.length} stacks (${names}): choose one with --stack`);
  return stacks[0]!;
}

async function fromInProcessApp(
  factory: (props: AppProps) => App | Promise<App>,
  stack: string | undefined,
  context: Record<string, unknown>,
): Promise<LoadedApp> {
  // CDK's template validation plugin (a WASM rule engine) triples synth time and only matters for deploys.
  return withProcessEnvironment({ CDK_VALIDATION: 'false' }, async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
    const app = await factory({ context, outdir });
    const assembly = app.synth();
    const stacks = assembly.stacks.map((s) => ({ id: s.id, name: s.stackName, artifact: s }));
    const chosen = pickStack(stacks, stack, 'the app');
    return {
      template: chosen.artifact.template as CfnTemplate,
      stackName: chosen.name,
      projectRoot: process.cwd(),
      assemblyDir: assembly.directory,
      dispose: () => rmSync(outdir, { recursive: true, force: true }),
      bundleAssets: () => fromInProcessApp(factory, chosen.name, { ...context, 'aws:cdk:bundling-stacks': [chosen.name] }),
    };
  });
}

/**
 * Runs the project's `cdk.json` app command the way the CDK CLI does (`CDK_OUTDIR`, `CDK_CONTEXT_JSON`
 * with the project's context under ours), then reads the assembly it wrote.
 */
async function fromProject(projectDir: string, stack: string | undefined, context: Record<string, unknown>): Promise<LoadedApp> {
  const cdkJson = join(projectDir, 'cdk.json');
  if (!existsSync(cdkJson)) {
    throw new Error(`no cdk.json in ${projectDir}: run sluice in your CDK app's folder, or pass --app <cdk.out> or --template <file>`);
  }
  const config = JSON.parse(readFileSync(cdkJson, 'utf8')) as { app?: string; context?: Record<string, unknown> };
  if (!config.app) throw new Error(`${cdkJson} has no "app" command`);
  const appPath = resolve(projectDir, config.app);
  if (existsSync(appPath) && statSync(appPath).isDirectory()) return fromAssembly(appPath, stack, projectDir);
  const localContext = readJsonIfExists(join(projectDir, 'cdk.context.json'));
  const outdir = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
  await runAppCommand(config.app, projectDir, {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...localContext, ...config.context, ...context }),
    CDK_VALIDATION: 'false',
  });
  const loaded = fromAssembly(outdir, stack, projectDir);
  return {
    ...loaded,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
    bundleAssets: () => fromProject(projectDir, loaded.stackName, { ...context, 'aws:cdk:bundling-stacks': [loaded.stackName] }),
  };
}

function readJsonIfExists(file: string): Record<string, unknown> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

function runAppCommand(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, { cwd, shell: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`the CDK app (\`${command}\` in ${cwd}) failed with exit code ${code}:\n${output.trim()}`));
    });
  });
}
