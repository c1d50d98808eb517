import { fileURLToPath } from 'node:url';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { complianceProfile } from 'sluice/cdk';
import { OrdersStack } from './orders-stack.ts';

/** Name of the sample stack: `sluice … --target aws` reads its outputs. */
export const STACK_NAME = 'Sluice';

/**
 * Builds the sample CDK app: the Orders stack and its checks, cdk-nag's AwsSolutions pack always, and under
 * `-c compliance=strict` also the NIST 800-53 rev 5, HIPAA Security and PCI DSS 3.2.1 packs and AWS Control
 * Tower's proactive controls (cfn-guard). A function, so the demo and the tests synthesize the very same app
 * in-process (the local runtime passes its context in `props`, which turns the checks off: only deployments
 * need them).
 *
 * @example
 * const template = createApp({ context: { 'aws:cdk:bundling-stacks': [] } }).synth().getStackByName('Sluice').template;
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  new OrdersStack(app, STACK_NAME, {
    description: 'sluice sample pipelines: queue (SQS → Lambda, exactly-once), batch (Step Functions Map) and stream (Kinesis)',
  });
  if (app.node.tryGetContext('sluice:checks') === 'off') return app;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (complianceProfile(app) === 'strict') {
    Validations.of(app).addPlugins(new NIST80053R5Checks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app), new CfnGuardValidator());
  }
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  createApp().synth();
}
