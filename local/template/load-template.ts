import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnTemplate } from './types.ts';

export interface LoadTemplateOptions {
  /** Read this synthesized template file instead of synthesizing (e.g. `cdk.out/Sluice.template.json`). */
  readonly templateFile?: string;
  /** Stack to take from the app (default: the sample stack). */
  readonly stackName?: string;
}

/**
 * The one source of truth for the local runtime: the synthesized CloudFormation template.
 * By default the CDK app is synthesized in-process with bundling skipped (the local runtime runs the
 * TypeScript entries, not the bundles), which takes seconds instead of a `cdk synth` round trip.
 *
 * @example
 * const template = await loadTemplate();
 * const fromFile = await loadTemplate({ templateFile: 'cdk.out/Sluice.template.json' });
 */
export async function loadTemplate(options: LoadTemplateOptions = {}): Promise<CfnTemplate> {
  if (options.templateFile) {
    if (!existsSync(options.templateFile)) throw new Error(`template file not found: ${options.templateFile}`);
    return JSON.parse(readFileSync(options.templateFile, 'utf8')) as CfnTemplate;
  }
  const { createApp, STACK_NAME } = await import('../../infra/app.ts');
  // Skips what only deployment needs: esbuild bundling, cdk-nag and CDK's template validation
  // (a WASM rule engine that triples synth time); `cdk synth` and the infra tests still run them.
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = createApp({ context: { 'aws:cdk:bundling-stacks': [], 'sluice:checks': 'off' }, outdir: join(process.cwd(), 'cdk.out', 'local') });
    return app.synth().getStackByName(options.stackName ?? STACK_NAME).template as CfnTemplate;
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  }
}
