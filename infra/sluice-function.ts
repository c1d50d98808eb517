import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Repository root: entries are recorded relative to it so the local runtime can find them. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** CloudFormation metadata keys the local runtime reads to run a function from its TypeScript source. */
export const ENTRY_METADATA_KEY = 'sluice:entry';
export const HANDLER_METADATA_KEY = 'sluice:handler';

export interface SluiceFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'handler'> {
  /** Path of the TypeScript entry, relative to the repository root, e.g. `functions/order-worker.ts`. */
  readonly entry: string;
  /** Exported handler name (default `handler`). */
  readonly handler?: string;
}

/**
 * A `NodejsFunction` with sluice's defaults: Node.js 22 on arm64, ESM bundle minified by esbuild
 * (no Docker), AWS SDK v3 left external (the runtime ships it), JSON logs with a retention-bound
 * log group, X-Ray active tracing. It records its TypeScript entry as resource metadata so the local
 * runtime can run the very same function from the synthesized template.
 *
 * @example
 * const fn = new SluiceFunction(this, 'Worker', { entry: 'functions/order-worker.ts', timeout: Duration.seconds(30) });
 */
export class SluiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SluiceFunctionProps) {
    const { entry, handler = 'handler', bundling, environment, ...rest } = props;
    // Where bundling is skipped (tests, the local runtime) CDK would fingerprint the whole project
    // folder, node_modules included, for a hash nobody uses: a fixed one keeps synth in-process fast.
    const skipBundling = !Stack.of(scope).bundlingRequired;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      ...rest,
      entry: `${repoRoot}${entry}`,
      handler,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'sluice',
        POWERTOOLS_METRICS_NAMESPACE: 'sluice',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        externalModules: ['@aws-sdk/*'],
        // ESM bundles need `require` for the CommonJS dependencies esbuild inlines.
        banner: "import { createRequire as __sluiceCreateRequire } from 'module'; const require = __sluiceCreateRequire(import.meta.url);",
        ...(skipBundling ? { assetHash: `unbundled:${entry}` } : {}),
        ...bundling,
      },
    });
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata(ENTRY_METADATA_KEY, relative(repoRoot, `${repoRoot}${entry}`));
    cfn.addMetadata(HANDLER_METADATA_KEY, handler);
  }

  /** Stack-unique id useful in tests. */
  get logicalId(): string {
    return Stack.of(this).getLogicalId(this.node.defaultChild as CfnFunction);
  }
}
