import { fileURLToPath } from 'node:url';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrdersStack } from './orders-stack.ts';

/** Name of the sample stack: `sluice … --target aws` reads its outputs. */
export const STACK_NAME = 'Sluice';

/**
 * Builds the sample CDK app: the Orders stack and the cdk-nag AwsSolutions checks. A function, so the
 * demo and the tests synthesize the very same app in-process (the local runtime passes its context in
 * `props`, which turns the checks off: only deployments need them).
 *
 * @example
 * const template = createApp({ context: { 'aws:cdk:bundling-stacks': [] } }).synth().getStackByName('Sluice').template;
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  new OrdersStack(app, STACK_NAME, {
    description: 'sluice sample pipelines: queue (SQS → Lambda, exactly-once), batch (Step Functions Map) and stream (Kinesis)',
  });
  if (app.node.tryGetContext('sluice:checks') !== 'off') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  createApp().synth();
}
