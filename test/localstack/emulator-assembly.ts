import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A CloudFormation resource as the template holds it. */
interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/** A feature of the synthesized template that the emulator's CloudFormation engine refuses. */
export interface UnsupportedFeature {
  /** What the emulator lacks, as its error says it. */
  readonly reason: string;
  readonly matches: (resource: TemplateResource) => boolean;
}

/**
 * What MiniStack 1.5.33 cannot deploy from sluice's stacks, found by deploying them: the stack fails with
 * `AWS::CloudWatch::Alarm Properties.Metrics (metric math) is not supported; use MetricName and Namespace.`
 * BatchJob's two alarms sum three metrics each (failed + timed out + aborted executions; Split + Partition +
 * Reduce errors). An alarm has no effect on an emulator, so leaving them out changes no behaviour under test.
 */
export const MINISTACK_UNSUPPORTED: readonly UnsupportedFeature[] = [
  {
    reason: 'AWS::CloudWatch::Alarm with Metrics (metric math) is not supported by MiniStack 1.5.33',
    matches: (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.Metrics !== undefined,
  },
];

/** A resource left out of the deployed template, and why. */
export interface RemovedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/**
 * Removes the resources an emulator cannot create from a synthesized stack in a cloud assembly (cdk.out),
 * and re-addresses the template asset by its new hash (cdk deploys a large template from the asset bucket
 * by content hash, so an edited template under the old hash would never be uploaded). Refuses when
 * anything still refers to a removed resource: then leaving it out would change the stack's meaning.
 *
 * @example
 * const removed = removeUnsupportedResources('/tmp/assembly', 'Sluice', MINISTACK_UNSUPPORTED);
 * // [{ logicalId: 'BatchFunctionErrorsAlarm19428FED', type: 'AWS::CloudWatch::Alarm', reason: '…' }, …]
 */
export function removeUnsupportedResources(assemblyDir: string, stackName: string, unsupported: readonly UnsupportedFeature[]): RemovedResource[] {
  const manifestPath = join(assemblyDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { artifacts: Record<string, { properties?: { templateFile?: string } }> };
  const templateFile = manifest.artifacts[stackName]?.properties?.templateFile;
  if (!templateFile) throw new Error(`no stack ${stackName} in the assembly at ${assemblyDir}`);
  const templatePath = join(assemblyDir, templateFile);
  const originalBody = readFileSync(templatePath);
  const template = JSON.parse(originalBody.toString('utf8')) as { Resources: Record<string, TemplateResource> };

  const removed: RemovedResource[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const feature = unsupported.find((f) => f.matches(resource));
    if (!feature) continue;
    removed.push({ logicalId, type: resource.Type, reason: feature.reason });
    delete template.Resources[logicalId];
  }
  if (removed.length === 0) return removed;

  const gone = new Set(removed.map((r) => r.logicalId));
  for (const resource of Object.values(template.Resources)) {
    if (resource.DependsOn === undefined) continue;
    const kept = [resource.DependsOn].flat().filter((id) => !gone.has(id));
    if (kept.length === 0) delete resource.DependsOn;
    else resource.DependsOn = kept;
  }
  const remaining = JSON.stringify(template);
  for (const id of gone) {
    if (remaining.includes(`{"Ref":"${id}"}`) || remaining.includes(`"Fn::GetAtt":["${id}"`)) {
      throw new Error(`${id} cannot be left out of ${stackName}: another part of the template refers to it`);
    }
  }

  const body = JSON.stringify(template, undefined, 1);
  writeFileSync(templatePath, body);
  readdressTemplateAsset(assemblyDir, stackName, templateFile, sha256(originalBody), sha256(Buffer.from(body)));
  return removed;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Renames the template's file asset (its id and object key are the content hash) in the asset manifest and the stack's manifest entry. */
function readdressTemplateAsset(assemblyDir: string, stackName: string, templateFile: string, oldHash: string, newHash: string): void {
  const assetsPath = join(assemblyDir, `${stackName}.assets.json`);
  const assets = JSON.parse(readFileSync(assetsPath, 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const ids = Object.keys(assets.files).filter((id) => assets.files[id]!.source.path === templateFile);
  for (const id of ids) {
    if (id !== oldHash) throw new Error(`the template asset of ${stackName} is ${id}, not the template's hash ${oldHash}: unknown assembly layout`);
  }
  for (const path of [assetsPath, join(assemblyDir, 'manifest.json')]) {
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(oldHash, newHash));
  }
}

// `node --import tsx test/localstack/emulator-assembly.ts <assembly dir> <stack>`: the same edit by hand (docs/deploy.md).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [assemblyDir, stackName] = process.argv.slice(2);
  if (!assemblyDir || !stackName) throw new Error('usage: emulator-assembly.ts <assembly dir> <stack>');
  const removed = removeUnsupportedResources(assemblyDir, stackName, MINISTACK_UNSUPPORTED);
  for (const r of removed) console.log(`left out of ${stackName}: ${r.logicalId} (${r.type}): ${r.reason}`);
  if (removed.length === 0) console.log(`${stackName}: nothing to leave out`);
}
