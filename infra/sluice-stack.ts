import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The sample stack: composes sluice's constructs into working pipelines.
 * Each pipeline section below is self-contained; constructs live in their own files.
 *
 * @example
 * new SluiceStack(app, 'Sluice');
 */
export class SluiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Queue pipeline: order jobs (issue #2).
    // Batch job (issue #3).
    // Stream pipeline (issue #4).
  }
}
