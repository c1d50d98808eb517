import { CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { OUTPUT_METADATA_KEY } from '../shared/stack-outputs.ts';

/** One output a construct offers: its name, the value (a resource's Ref) and what it is. */
export interface OfferedOutput {
  readonly name: string;
  readonly value: string;
  readonly description: string;
}

/**
 * Records on a resource which output its `Ref` stands for (see {@link OUTPUT_METADATA_KEY}) and returns
 * the output, for the construct's `addOutputs()`.
 *
 * @example
 * this.outputs.push(offerOutput(this.queue, 'OrdersQueueUrl', this.queue.queueUrl, 'Orders work queue URL'));
 */
export function offerOutput(resource: IConstruct, name: string, value: string, description: string): OfferedOutput {
  const cfn = resource.node.defaultChild ?? resource;
  if (CfnResource.isCfnResource(cfn)) cfn.addMetadata(OUTPUT_METADATA_KEY, name);
  return { name, value, description };
}

/**
 * Adds the offered outputs to the stack, renamed to `prefix` when it differs from `id`.
 *
 * @example
 * addStackOutputs(this, this.offered, 'Orders', prefix);
 */
export function addStackOutputs(scope: IConstruct, offered: readonly OfferedOutput[], id: string, prefix: string): void {
  const stack = Stack.of(scope);
  for (const output of offered) {
    const name = prefix === id ? output.name : `${prefix}${output.name.slice(id.length)}`;
    new CfnOutput(stack, name, { value: output.value, description: output.description });
  }
}
