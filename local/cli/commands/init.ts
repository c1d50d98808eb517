import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { sluicePackage } from '../package-info.ts';
import { cliAction } from './cli-action.ts';
import { UsageError } from './usage-error.ts';

interface InitCliOptions {
  sluice?: string;
  stack?: string;
  force?: boolean;
}

/** What a template's `{{…}}` placeholders are filled with. */
export interface ScaffoldValues {
  /** npm package name of the new app. */
  readonly name: string;
  /** CloudFormation stack name. */
  readonly stackName: string;
  /** The dependency spec of sluice: a version range, a tarball path, a git URL … */
  readonly sluice: string;
  /** Version ranges of the other dependencies, by package name (`{{v:zod}}`). */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * Fills a template: `{{name}}`, `{{stackName}}`, `{{sluice}}` and `{{v:<package>}}`. An unknown
 * placeholder is an error, so a template can never ship with a hole in it.
 *
 * @example
 * fillTemplate('"zod": "{{v:zod}}"', { name: 'a', stackName: 'A', sluice: '^0.1.0', versions: { zod: '^4.0.0' } }); // '"zod": "^4.0.0"'
 */
export function fillTemplate(text: string, values: ScaffoldValues): string {
  return text.replace(/\{\{([^}]+)\}\}/g, (_, key: string) => {
    const value = key.startsWith('v:') ? values.versions[key.slice(2)] : ({ name: values.name, stackName: values.stackName, sluice: values.sluice } as Record<string, string>)[key];
    if (value === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    return value;
  });
}

/**
 * The package name and stack name for an app folder: `invoices` → `invoices`, `InvoicesApp`.
 *
 * @example
 * appNames('/tmp/my-app'); // { name: 'my-app', stackName: 'MyApp' }
 */
export function appNames(dir: string): { name: string; stackName: string } {
  const base = basename(resolve(dir));
  const name = base.toLowerCase().replace(/[^a-z0-9-._~]/g, '-').replace(/^[-._]+/, '') || 'sluice-app';
  const stackName = name.split(/[^a-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'SluiceApp';
  return { name, stackName: /^[A-Za-z]/.test(stackName) ? stackName : `App${stackName}` };
}

function templateFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? templateFiles(path, root) : [relative(root, path)];
  });
}

/** `gitignore.tmpl` → `.gitignore` (npm drops files named .gitignore from packages); `x.ts.tmpl` → `x.ts`. */
function targetName(templatePath: string): string {
  const stripped = templatePath.replace(/\.tmpl$/, '');
  return basename(stripped) === 'gitignore' ? join(stripped, '..', '.gitignore') : stripped;
}

/**
 * Writes a new app that depends on sluice into `dir` and returns the files written.
 *
 * @throws UsageError when `dir` holds files already (unless `force`).
 * @example
 * scaffoldApp('my-app', { sluice: '^0.1.0' });
 */
export function scaffoldApp(dir: string, options: { sluice?: string; stack?: string; force?: boolean } = {}): string[] {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0 && !options.force) {
    throw new UsageError(`${dir} is not empty: choose a new folder (or --force to write over it)`);
  }
  const pkg = sluicePackage();
  const manifest = JSON.parse(readFileSync(join(pkg.root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const versions = { ...manifest.devDependencies, ...manifest.peerDependencies, ...manifest.dependencies };
  const names = appNames(target);
  const values: ScaffoldValues = {
    name: names.name,
    stackName: options.stack ?? names.stackName,
    sluice: options.sluice ? specFor(options.sluice) : `^${pkg.version}`,
    versions,
  };
  const templates = join(pkg.root, 'templates', 'app');
  const written: string[] = [];
  for (const file of templateFiles(templates)) {
    const out = join(target, targetName(file));
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, fillTemplate(readFileSync(join(templates, file), 'utf8'), values));
    written.push(relative(target, out));
  }
  return written.sort();
}

/** A local tarball or folder becomes an absolute `file:` spec, so the app installs it from anywhere. */
function specFor(spec: string): string {
  if (/^(file:|https?:|git(\+\w+)?:|github:|npm:|[\^~<>=*]|\d)/.test(spec)) return spec;
  return existsSync(spec) ? `file:${resolve(spec)}` : spec;
}

/**
 * `sluice init <dir>`: scaffolds a CDK app that uses sluice: one QueuePipeline with its own zod schema
 * and effect (an atomic DynamoDB write), cdk.json, a README with the two commands, and a jest test that
 * runs the app locally with `sluice/testing`.
 *
 * @example
 * sluice init my-app && cd my-app && npm install && npm test
 * sluice init my-app --sluice ./sluice-0.1.0.tgz
 */
export function initCommand(): Command {
  return new Command('init')
    .description('scaffold a new CDK app that uses sluice: a queue pipeline, its schema and effect, a local end-to-end test')
    .argument('<dir>', 'folder to create (its name becomes the package and stack name)')
    .option('--sluice <spec>', 'dependency spec of sluice in the new app: a version range, a tarball or folder path, a URL (default: this version)')
    .option('--stack <name>', 'CloudFormation stack name (default: the folder name in PascalCase)')
    .option('--force', 'write into a folder that is not empty')
    .action(
      cliAction(async (dir: string, opts: InitCliOptions) => {
        if (opts.stack !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(opts.stack)) {
          throw new UsageError(`--stack: "${opts.stack}" is not a CloudFormation stack name (a letter, then letters, digits and hyphens, at most 128)`);
        }
        const files = scaffoldApp(dir, opts);
        console.log(`created ${dir}: ${files.join(', ')}\n`);
        console.log(`next:\n  cd ${dir}\n  npm install\n  npm test       # the app runs locally, end to end\n  npx sluice dev # run it until Ctrl-C`);
      }),
    );
}
