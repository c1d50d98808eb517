import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SluiceStack } from './sluice-stack.ts';
import { fileURLToPath } from 'node:url';

/** Name of the sample stack: the CLI's `--target aws` reads its outputs. */
export const STACK_NAME = 'Sluice';

/**
 * Builds the CDK app: the sample stack and the cdk-nag AwsSolutions checks. Kept as a function so the
 * local runtime and the tests synthesize the very same app in-process (pass
 * `context: { 'aws:cdk:bundling-stacks': [] }` to skip esbuild bundling where no asset is needed).
 *
 * @example
 * const template = createApp({ context: { 'aws:cdk:bundling-stacks': [] } }).synth().getStackByName('Sluice').template;
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  new SluiceStack(app, STACK_NAME, {
    description: 'sluice sample pipelines: queue (SQS → Lambda, exactly-once), batch (Step Functions Map) and stream (Kinesis)',
  });
  // The local runtime only needs the template; `cdk synth` and the infra tests run the checks.
  if (app.node.tryGetContext('sluice:checks') !== 'off') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  createApp().synth();
}
