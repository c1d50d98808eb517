import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientConfig } from '../../shared/aws-clients.ts';
import { synthSampleTemplate } from './helpers.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };

const root = fileURLToPath(new URL('../..', import.meta.url));
const template = synthSampleTemplate().toJSON() as { Resources: Record<string, Resource> };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

/** The value at a property path of a resource's Properties (undefined when any step is missing). */
function prop(resource: Resource | undefined, ...path: string[]): unknown {
  let value: unknown = resource?.Properties;
  for (const step of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[step] : undefined;
  return value;
}

/** The logical ids a CloudFormation value points at through Ref / Fn::GetAtt, wherever they are nested. */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return [object.Ref];
  if (Array.isArray(object['Fn::GetAtt'])) return [String(object['Fn::GetAtt'][0])];
  return Object.values(object).flatMap(referencedIds);
}

/** Logical ids whose resource policy (of `policyType`, attached through `targetProperty`) denies requests without TLS. */
function tlsOnlyTargets(policyType: string, targetProperty: string): Set<string> {
  return new Set(
    ofType(policyType).flatMap(([, policy]) => {
      const statements = prop(policy, 'PolicyDocument', 'Statement') as Statement[];
      const deniesPlainHttp = statements.some((s) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');
      return deniesPlainHttp ? referencedIds(prop(policy, targetProperty)) : [];
    }),
  );
}

/** Repository files a scan should read: sources, docs and config; not dependencies, build output or git. */
function repositoryFiles(dir = root): string[] {
  // Git-ignored folders hold no source: .sluice/ is local state (the Python virtualenv's botocore docs carry
  // AWS's example key ids; MiniStack's working folder changes while it runs), dist/ is built, .ci/node installed.
  const skip = new Set(['node_modules', 'cdk.out', '.git', 'coverage', '.sluice', 'dist']);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip.has(name)) return [];
    if (statSync(path).isDirectory()) return repositoryFiles(path);
    return /\.(ts|js|mjs|cjs|mts|json|md|yml|yaml|sh)$/.test(name) || name === 'run' ? [path] : [];
  });
}

const DATA_SERVICES = ['sqs', 'dynamodb', 's3', 'kinesis'];
const CREDENTIAL_VALUE = /(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\b[A-Za-z0-9/+]{40}\b/;
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL/i;

describe('security of the sample stack, asserted on the synthesized template', () => {
  it('encrypts every queue, table, stream and bucket at rest', () => {
    // Prepare
    const unencrypted: string[] = [];

    // Act
    for (const [id, queue] of ofType('AWS::SQS::Queue')) if (prop(queue, 'SqsManagedSseEnabled') !== true && !prop(queue, 'KmsMasterKeyId')) unencrypted.push(id);
    for (const [id, table] of ofType('AWS::DynamoDB::Table')) if (prop(table, 'SSESpecification', 'SSEEnabled') !== true) unencrypted.push(id);
    for (const [id, stream] of ofType('AWS::Kinesis::Stream')) if (prop(stream, 'StreamEncryption', 'EncryptionType') !== 'KMS') unencrypted.push(id);
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      const rules = prop(bucket, 'BucketEncryption', 'ServerSideEncryptionConfiguration') as { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[] | undefined;
      if (!rules?.every((rule) => ['AES256', 'aws:kms', 'aws:kms:dsse'].includes(rule.ServerSideEncryptionByDefault?.SSEAlgorithm ?? ''))) unencrypted.push(id);
    }

    // Assess
    expect(ofType('AWS::SQS::Queue').length + ofType('AWS::DynamoDB::Table').length).toBeGreaterThan(0);
    expect(unencrypted).toEqual([]);
  });

  it('refuses plain-HTTP requests to every queue and bucket with a resource policy', () => {
    // Act
    const tlsQueues = tlsOnlyTargets('AWS::SQS::QueuePolicy', 'Queues');
    const tlsBuckets = tlsOnlyTargets('AWS::S3::BucketPolicy', 'Bucket');

    // Assess
    expect(ofType('AWS::SQS::Queue').map(([id]) => id).filter((id) => !tlsQueues.has(id))).toEqual([]);
    expect(ofType('AWS::S3::Bucket').map(([id]) => id).filter((id) => !tlsBuckets.has(id))).toEqual([]);
  });

  it('blocks public access to every bucket', () => {
    // Assess
    for (const [, bucket] of ofType('AWS::S3::Bucket')) {
      expect(prop(bucket, 'PublicAccessBlockConfiguration')).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
  });

  it('grants no wildcard action and no "*" resource on SQS, DynamoDB, S3 or Kinesis', () => {
    // Prepare
    const violations: string[] = [];

    // Act
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const statement of prop(policy, 'PolicyDocument', 'Statement') as Statement[]) {
        const dataActions = [statement.Action].flat().filter((action) => action === '*' || DATA_SERVICES.includes(action.split(':')[0]!));
        for (const action of dataActions.filter((a) => a.includes('*'))) violations.push(`${id}: action ${action}`);
        const everything = statement.Resource === '*' || (Array.isArray(statement.Resource) && statement.Resource.includes('*'));
        if (dataActions.length > 0 && everything) violations.push(`${id}: ${dataActions.join(',')} on "*"`);
      }
    }

    // Assess
    expect(ofType('AWS::IAM::Policy').length).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('gives every queue a dead-letter queue, the stream failure queue included, and marks every DLQ as one (Control Tower CT.SQS.PR.1)', () => {
    // Prepare
    const queues = new Map(ofType('AWS::SQS::Queue'));
    const dlqs = new Set([...queues.values()].flatMap((queue) => referencedIds(prop(queue, 'RedrivePolicy', 'deadLetterTargetArn'))));

    // Act
    const withoutDlq = [...queues.keys()].filter((id) => !dlqs.has(id) && prop(queues.get(id), 'RedrivePolicy') === undefined);
    const unmarked = [...dlqs].filter((dlq) => !['allowAll', 'byQueue'].includes(String(prop(queues.get(dlq), 'RedriveAllowPolicy', 'redrivePermission'))));

    // Assess
    expect(dlqs.size).toBeGreaterThan(0);
    expect(withoutDlq).toEqual([]);
    expect(unmarked).toEqual([]);
  });

  it('puts no credential or secret in any Lambda environment', () => {
    // Prepare
    const functions = ofType('AWS::Lambda::Function');

    // Act
    const suspicious = functions.flatMap(([id, fn]) =>
      Object.entries((prop(fn, 'Environment', 'Variables') ?? {}) as Record<string, unknown>)
        .filter(([name, value]) => SECRET_NAME.test(name) || (typeof value === 'string' && CREDENTIAL_VALUE.test(value)))
        .map(([name]) => `${id}.${name}`),
    );

    // Assess
    expect(functions.length).toBeGreaterThan(0);
    expect(suspicious).toEqual([]);
  });
});

describe('no secrets in the repository, and the AWS target uses the default credential chain', () => {
  it('holds no AWS access key id or private key in any source, doc or config file', () => {
    // Prepare
    const files = repositoryFiles();

    // Act
    const leaks = files.filter((file) => /(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(file, 'utf8'))).map((file) => relative(root, file));

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(leaks).toEqual([]);
  });

  it('builds SDK clients without explicit credentials, so the default chain (env, SSO, profile, role) decides', () => {
    // Act
    const configs = [clientConfig(), clientConfig({ service: 'sqs' }), clientConfig({ service: 's3' })];

    // Assess
    for (const config of configs) expect(config).not.toHaveProperty('credentials');
  });

  it('gives CLI clients explicit credentials only for local targets: on --target aws the SDK default chain decides', () => {
    // Prepare
    const cliFiles = repositoryFiles(join(root, 'local', 'cli')).filter((file) => file.endsWith('.ts') || file.endsWith('.js'));
    const explicit = /\bcredentials\s*:|fromIni\(|fromTemporaryCredentials\(|fromSSO\(|fromEnv\(/;

    // Act: every function that builds explicit credentials, with the text before them.
    const builders = cliFiles.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split(/\n(?=(?:export )?(?:async )?function )/)
        .filter((fn) => explicit.test(fn.replace(/^type .*$/gm, '')))
        .map((fn) => ({ file: relative(root, file), name: /function (\w+)/.exec(fn)?.[1], before: fn.slice(0, fn.search(explicit)) })),
    );

    // Assess: the one builder returns nothing for the aws target before it ever reads credentials.
    expect(cliFiles.length).toBeGreaterThan(0);
    expect(builders.map(({ file, name }) => `${file}#${name}`)).toEqual(['local/cli/targets/target.ts#sdkOverrides']);
    expect(builders[0]!.before).toMatch(/if \(target === 'aws'\) return \{\};/);
  });
});

describe('operational alarms in the constructs', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
  // A single-metric alarm, or one metric of a metric-math alarm.
  type MetricStat = { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } };
  const alarmOn = (namespace: string, metric: string, id: string) =>
    alarms.some(
      (a) =>
        (a.Namespace === namespace && a.MetricName === metric && referencedIds(a.Dimensions).includes(id)) ||
        ((a.Metrics ?? []) as { MetricStat?: MetricStat }[]).some(
          (m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metric && referencedIds(m.MetricStat.Metric.Dimensions).includes(id),
        ),
    );

  it('alarms on the depth of every dead-letter queue and the age of the oldest message of every consumed queue', () => {
    // Prepare
    const dlqs = ofType('AWS::SQS::Queue').flatMap(([, q]) => referencedIds(prop(q, 'RedrivePolicy', 'deadLetterTargetArn')));
    const consumedQueues = ofType('AWS::Lambda::EventSourceMapping').flatMap(([, m]) => referencedIds(prop(m, 'EventSourceArn'))).filter((id) => template.Resources[id]?.Type === 'AWS::SQS::Queue');

    // Assess
    expect(dlqs.length).toBeGreaterThan(0);
    for (const dlq of dlqs) expect({ dlq, alarmed: alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dlq) }).toEqual({ dlq, alarmed: true });
    for (const queue of consumedQueues) expect({ queue, alarmed: alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', queue) }).toEqual({ queue, alarmed: true });
  });

  it('alarms on errors and throttles of every queue and stream consumer, and on the iterator age of every stream consumer', () => {
    // Prepare
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => ({
      fn: referencedIds(prop(m, 'FunctionName'))[0]!,
      source: template.Resources[referencedIds(prop(m, 'EventSourceArn'))[0]!]?.Type,
    }));

    // Assess
    expect(mappings.length).toBeGreaterThan(0);
    for (const { fn, source } of mappings) {
      const expected = source === 'AWS::Kinesis::Stream' ? ['Errors', 'Throttles', 'IteratorAge'] : ['Errors', 'Throttles'];
      for (const metric of expected) expect({ fn, metric, alarmed: alarmOn('AWS/Lambda', metric, fn) }).toEqual({ fn, metric, alarmed: true });
    }
  });

  it('alarms on every stream consumer\'s failure destination', () => {
    // Prepare
    const destinations = ofType('AWS::Lambda::EventSourceMapping').flatMap(([, m]) => referencedIds(prop(m, 'DestinationConfig', 'OnFailure', 'Destination')));

    // Assess
    for (const queue of destinations) expect({ queue, alarmed: alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue) }).toEqual({ queue, alarmed: true });
  });

  it('alarms on failed, timed-out and aborted executions of every state machine, and on errors of its functions', () => {
    // Prepare
    const machines = ofType('AWS::StepFunctions::StateMachine').map(([id]) => id);
    const mathAlarms = alarms.filter((a) => Array.isArray(a.Metrics));
    const watches = (alarm: Record<string, unknown>, metric: string, id: string) =>
      (alarm.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[]).some(
        (m) => m.MetricStat?.Metric.MetricName === metric && referencedIds(m.MetricStat.Metric.Dimensions).includes(id),
      );

    // Assess
    expect(machines.length).toBeGreaterThan(0);
    for (const machine of machines) {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        expect({ machine, metric, alarmed: mathAlarms.some((a) => watches(a, metric, machine)) }).toEqual({ machine, metric, alarmed: true });
      }
    }
    const taskFunctions = ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => machines.some((m) => JSON.stringify(template.Resources[m]!.Properties).includes(id)));
    expect(taskFunctions.length).toBeGreaterThan(0);
    for (const fn of taskFunctions) expect({ fn, alarmed: mathAlarms.some((a) => watches(a, 'Errors', fn)) }).toEqual({ fn, alarmed: true });
  });
});
