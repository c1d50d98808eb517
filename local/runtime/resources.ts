import type { CfnResource, CfnTemplate } from '../template/types.ts';
import type { ResolvedIdentity } from '../template/resolver.ts';

/** A resource of the template as it exists locally. */
export interface LocalResource extends ResolvedIdentity {
  readonly logicalId: string;
  readonly type: string;
  /** The physical name in the emulator (queue name, table name, bucket name, function name …). */
  readonly physicalName: string;
  readonly definition: CfnResource;
}

export interface NamingOptions {
  readonly region: string;
  readonly accountId: string;
  /** Prefixed to every generated name, so several runtimes can share one set of emulators. */
  readonly namePrefix: string;
  /** Base URL of the SQS emulator, for queue URLs. */
  readonly sqsEndpoint: string;
}

const explicitNameProperty: Record<string, string> = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
};

function physicalNameOf(logicalId: string, resource: CfnResource, options: NamingOptions): string {
  const explicit = resource.Properties?.[explicitNameProperty[resource.Type] ?? ''];
  // Explicit names are prefixed too: runtimes sharing one set of emulators must never share a queue.
  const base = `${options.namePrefix}${typeof explicit === 'string' ? explicit : logicalId}`;
  switch (resource.Type) {
    case 'AWS::SQS::Queue': {
      const fifo = resource.Properties?.FifoQueue === true || resource.Properties?.FifoQueue === 'true';
      const stem = base.replace(/\.fifo$/, '').slice(0, fifo ? 75 : 80);
      return fifo ? `${stem}.fifo` : stem;
    }
    case 'AWS::S3::Bucket':
      return base.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 63);
    default:
      return base.slice(0, 64);
  }
}

function identityOf(type: string, name: string, options: NamingOptions): ResolvedIdentity | undefined {
  const { region, accountId } = options;
  switch (type) {
    case 'AWS::SQS::Queue': {
      const url = `${options.sqsEndpoint.replace(/\/$/, '')}/${accountId}/${name}`;
      return { ref: url, attributes: { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name, QueueUrl: url } };
    }
    case 'AWS::DynamoDB::Table': {
      const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/local` } };
    }
    case 'AWS::Kinesis::Stream':
      return { ref: name, attributes: { Arn: `arn:aws:kinesis:${region}:${accountId}:stream/${name}` } };
    case 'AWS::S3::Bucket':
      return {
        ref: name,
        attributes: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${region}.amazonaws.com` },
      };
    case 'AWS::Lambda::Function':
      return { ref: name, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` } };
    case 'AWS::StepFunctions::StateMachine': {
      const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
      return { ref: arn, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::Logs::LogGroup':
      return { ref: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
    case 'AWS::IAM::Role':
      return { ref: name, attributes: { Arn: `arn:aws:iam::${accountId}:role/${name}`, RoleId: name } };
    case 'AWS::KMS::Key':
      return { ref: name, attributes: { Arn: `arn:aws:kms:${region}:${accountId}:key/${name}`, KeyId: name } };
    case 'AWS::SNS::Topic':
      return { ref: `arn:aws:sns:${region}:${accountId}:${name}`, attributes: { TopicArn: `arn:aws:sns:${region}:${accountId}:${name}`, TopicName: name } };
    default:
      // Resources the runtime does not emulate (alarms, policies …) still resolve, to a placeholder,
      // so that templates referencing them load; nothing local ever calls them.
      return { ref: name, attributes: { Arn: `arn:aws:local:${region}:${accountId}:${type}/${name}` } };
  }
}

/**
 * The template's resources with their local names and the values `Ref` / `Fn::GetAtt` resolve to.
 * Names and ARNs are computed up front (before anything is created), so references between
 * resources resolve regardless of creation order.
 *
 * @example
 * const resources = ResourceRegistry.fromTemplate(template, naming);
 * resources.ofType('AWS::SQS::Queue').map((q) => q.ref); // queue URLs
 */
export class ResourceRegistry {
  private readonly byId = new Map<string, LocalResource>();

  static fromTemplate(template: CfnTemplate, options: NamingOptions): ResourceRegistry {
    const registry = new ResourceRegistry();
    for (const [logicalId, definition] of Object.entries(template.Resources)) {
      const physicalName = physicalNameOf(logicalId, definition, options);
      const identity = identityOf(definition.Type, physicalName, options)!;
      registry.byId.set(logicalId, { logicalId, type: definition.Type, physicalName, definition, ...identity });
    }
    return registry;
  }

  get(logicalId: string): LocalResource | undefined {
    return this.byId.get(logicalId);
  }

  require(logicalId: string): LocalResource {
    const resource = this.byId.get(logicalId);
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    return resource;
  }

  ofType(type: string): LocalResource[] {
    return [...this.byId.values()].filter((r) => r.type === type);
  }

  /**
   * Maps an ARN built from a name the template fixed (e.g. a redrive allow policy naming its source
   * queue) to the local resource's ARN, which carries the runtime's name prefix.
   */
  localArn(arn: string): string {
    if (this.byArn(arn)) return arn;
    const name = arn.split(':').pop();
    const match = this.all().find((r) => Object.values(r.definition.Properties ?? {}).includes(name) && r.physicalName.endsWith(name ?? '\0'));
    return match?.attributes.Arn ?? arn;
  }

  /** Finds a resource by the ARN (or queue URL) it resolves to. */
  byArn(arn: string): LocalResource | undefined {
    return [...this.byId.values()].find((r) => r.attributes.Arn === arn || r.ref === arn);
  }

  all(): LocalResource[] {
    return [...this.byId.values()];
  }
}

/** Resource types the runtime creates or runs; everything else in a template is accepted and listed as not emulated. */
const EMULATED_TYPES = new Set([
  'AWS::SQS::Queue',
  'AWS::DynamoDB::Table',
  'AWS::Kinesis::Stream',
  'AWS::S3::Bucket',
  'AWS::SNS::Topic',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::StepFunctions::StateMachine',
]);

/** Why a kind of resource has no local counterpart, by type or by service prefix (`AWS::EC2::`). */
const NOT_EMULATED_REASONS: readonly [prefix: string, reason: string][] = [
  ['AWS::KMS::', 'encryption keys: the emulators keep data unencrypted, and no key policy is checked'],
  ['AWS::EC2::', 'networking (VPC, subnets, security groups, endpoints, flow logs): functions run in this process and reach the emulators directly'],
  ['AWS::IAM::', 'IAM: every call is allowed locally, so a missing grant shows only on AWS'],
  ['AWS::Logs::', 'log groups: function logs go to this process'],
  ['AWS::CloudWatch::', 'CloudWatch alarms and metrics: `sluice status` shows queue depths instead'],
  ['AWS::SNS::Subscription', 'topic subscriptions: subscribe to the local topic through the SNS API if you need one'],
  ['AWS::SNS::TopicPolicy', 'resource policies: every call is allowed locally'],
  ['AWS::SQS::QueuePolicy', 'resource policies: every call is allowed locally'],
  ['AWS::S3::BucketPolicy', 'resource policies: every call is allowed locally'],
  ['AWS::CDK::Metadata', 'CDK version metadata'],
];

/** A kind of resource of the template the runtime accepts without emulating it. */
export interface NotEmulated {
  /** A resource type, or `VpcConfig of AWS::Lambda::Function` for a function property. */
  readonly what: string;
  readonly count: number;
  readonly reason: string;
}

/**
 * What the runtime accepts but does not emulate, one entry per resource type (and for functions placed in a
 * VPC), so a strict-profile template (KMS keys, VPC, endpoints) runs unchanged and says what is left out.
 *
 * @example
 * for (const { what, count, reason } of notEmulated(resources)) log(`not emulated: ${count} × ${what}: ${reason}`);
 */
export function notEmulated(resources: ResourceRegistry): NotEmulated[] {
  const counts = new Map<string, number>();
  for (const resource of resources.all()) if (!EMULATED_TYPES.has(resource.type)) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  const listed = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([what, count]) => ({ what, count, reason: reasonFor(what) }));
  const inVpc = resources.ofType('AWS::Lambda::Function').filter((fn) => fn.definition.Properties?.VpcConfig !== undefined).length;
  if (inVpc > 0) listed.push({ what: 'VpcConfig of AWS::Lambda::Function', count: inVpc, reason: 'VPC placement: the functions run in this process and reach the emulators directly' });
  return listed;
}

function reasonFor(type: string): string {
  return NOT_EMULATED_REASONS.find(([prefix]) => type.startsWith(prefix))?.[1] ?? 'nothing local calls it';
}
