import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Architecture, Code, LoggingFormat, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { complianceLogGroup, complianceProfile, ComplianceResources, type ComplianceProfile } from './compliance.ts';
import { withDefaults } from './with-defaults.ts';

/** CloudFormation metadata keys the local runtime reads to run a function from its TypeScript source. */
export const ENTRY_METADATA_KEY = 'sluice:entry';
export const HANDLER_METADATA_KEY = 'sluice:handler';
/** Context key the local runtime sets when it synthesizes: sluice functions then carry no code asset. */
export const LOCAL_SYNTH_CONTEXT_KEY = 'sluice:skip-bundling';

/**
 * What users may set on any function sluice creates: everything `NodejsFunction` takes except what the
 * construct owns (its code, entry and handler, its role and event sources).
 */
export type SluiceFunctionOverrides = Omit<NodejsFunctionProps, 'entry' | 'handler' | 'code' | 'events'>;

export interface SluiceFunctionProps extends SluiceFunctionOverrides {
  /**
   * The handler's source file (TypeScript or JavaScript). Resolved like `NodejsFunction`'s: an absolute
   * path, or a path relative to the working directory of the CDK app (the folder of its `cdk.json`).
   */
  readonly entry: string;
  /** Exported handler name (default `handler`). */
  readonly handler?: string;
  /**
   * standard: a log group kept a month. strict: a log group kept a year and encrypted with the stack's key,
   * and the function in the stack's VPC (isolated subnets) unless `vpc` is given. Default: the stack's profile.
   */
  readonly compliance?: ComplianceProfile;
}

/**
 * sluice's defaults for every function: Node.js 22 on arm64, 512 MiB, 30 s, X-Ray, JSON logs in a log
 * group of the compliance profile (a month, or a year and KMS), ESM bundle minified with source maps
 * (mappings only), every dependency bundled, the AWS SDK included.
 */
const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  timeout: Duration.seconds(30),
  tracing: Tracing.ACTIVE,
  loggingFormat: LoggingFormat.JSON,
} satisfies Partial<NodejsFunctionProps>;

const BUNDLING_DEFAULTS = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  // Stack traces need the mappings, not the sources: without them the map of a handler with the SDK
  // bundled is 0.9 MB instead of 2.7 MB, and Node (--enable-source-maps) parses it at every cold start.
  sourcesContent: false,
  target: 'node22',
  // Everything is bundled, the AWS SDK included (NodejsFunction leaves `@aws-sdk/*` to the runtime by
  // default): the versions that ship are the lockfile's, not whatever the runtime carries that day, as the
  // SDK team advises; importing it costs no more, within this machine's noise (docs/deploy.md, docs/benchmarks.md).
  externalModules: [],
  // ESM bundles need `require` for the CommonJS dependencies esbuild inlines.
  banner: "import { createRequire as __sluiceCreateRequire } from 'module'; const require = __sluiceCreateRequire(import.meta.url);",
  // In sluice's own repository (sources, not dist/) the example's `sluice/*` imports bundle from the same sources.
  ...(import.meta.url.endsWith('.ts') ? { esbuildArgs: { '--conditions': 'sluice-source' } } : {}),
} satisfies BundlingOptions;

/**
 * Resolves a function entry the way `NodejsFunction` does: absolute, or relative to the working
 * directory (where `cdk synth` runs the app: the folder of `cdk.json`). Never relative to sluice's own
 * install folder.
 *
 * @throws Error naming the path tried and the folder it was resolved from.
 * @example
 * resolveEntry('handlers/invoice-worker.ts'); // '/home/me/my-app/handlers/invoice-worker.ts'
 */
export function resolveEntry(entry: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, entry);
  if (!existsSync(absolute)) {
    throw new Error(
      `Cannot find entry file at ${absolute}` + (isAbsolute(entry) ? '' : ` (relative entries resolve from the app's working directory ${cwd}, like NodejsFunction's)`),
    );
  }
  return absolute;
}

/**
 * The entry of one of sluice's own functions (the batch job's split, partition, reduce and starter):
 * beside this module, as TypeScript when sluice runs from its sources and as JavaScript from `dist/`.
 *
 * @example
 * new SluiceFunction(this, 'Split', { entry: sluiceFunctionEntry('batch-split') });
 */
export function sluiceFunctionEntry(name: string): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../functions/${name}${extension}`, import.meta.url));
}

/**
 * A `NodejsFunction` with sluice's defaults: Node.js 22 on arm64, 512 MiB, 30 s, ESM bundle minified by
 * esbuild (no Docker) with every dependency in it (the AWS SDK v3 too), JSON logs with a retention-bound
 * log group, X-Ray active tracing. Every prop you pass wins over a default, and a prop passed as
 * `undefined` keeps the default. It records its entry (relative to the app's folder) as resource metadata
 * so the local runtime can run the very same source from the synthesized template.
 *
 * @example
 * const fn = new SluiceFunction(this, 'Worker', { entry: 'handlers/invoice-worker.ts', memorySize: 1024 });
 */
export class SluiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SluiceFunctionProps) {
    const { entry, handler = 'handler', bundling, environment, logGroup, compliance, ...rest } = props;
    const profile = complianceProfile(scope, compliance);
    const placement = profile === 'strict' && !rest.vpc ? { vpc: ComplianceResources.of(scope).vpc, vpcSubnets: ComplianceResources.of(scope).vpcSubnets } : {};
    const entryPath = resolveEntry(entry);
    // Where bundling is skipped (tests, the local runtime) CDK would fingerprint the whole project
    // folder, node_modules included, for a hash nobody uses: a fixed one keeps synth in-process fast.
    const skipBundling = !Stack.of(scope).bundlingRequired;
    // The local runtime runs sluice functions from their source and may bundle the stack's other
    // functions: a placeholder keeps this one out of that bundling pass.
    const localOnly = scope.node.tryGetContext(LOCAL_SYNTH_CONTEXT_KEY) === true;
    super(scope, id, {
      ...(localOnly ? { code: Code.fromInline(`// sluice runs ${relative(process.cwd(), entryPath)} from its source locally`), handler: `index.${handler}` } : {}),
      ...withDefaults({ ...FUNCTION_DEFAULTS, ...placement }, rest),
      logGroup: logGroup ?? complianceLogGroup(scope, `${id}Logs`, profile),
      entry: entryPath,
      ...(localOnly ? {} : { handler }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'sluice',
        POWERTOOLS_METRICS_NAMESPACE: 'sluice',
        ...environment,
      },
      bundling: {
        ...withDefaults(BUNDLING_DEFAULTS, bundling ?? {}),
        ...(skipBundling ? { assetHash: `unbundled:${relative(process.cwd(), entryPath)}` } : {}),
      },
    });
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata(ENTRY_METADATA_KEY, relative(process.cwd(), entryPath));
    cfn.addMetadata(HANDLER_METADATA_KEY, handler);
  }

  /** Stack-unique id useful in tests. */
  get logicalId(): string {
    return Stack.of(this).getLogicalId(this.node.defaultChild as CfnFunction);
  }
}
