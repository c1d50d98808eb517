import { GetTemplateCommand, ListStackResourcesCommand, type CloudFormationClient, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import {
  bootstrapRequirement,
  checkAlarms,
  checkBootstrap,
  checkConcurrency,
  checkStateTransitions,
  checkSubscriptions,
  concurrencyNeeds,
  type AlarmView,
  type DoctorFinding,
  type DoctorTemplate,
  type StateTransitionFigures,
  type SubscriptionView,
} from './checks.ts';

/** The read-only clients `sluice doctor` uses, pointed at AWS (default chain) or at a local stand-in. */
export interface DoctorClients {
  readonly cloudformation: CloudFormationClient;
  readonly cloudwatch: CloudWatchClient;
  readonly lambda: LambdaClient;
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
}

/** Output holding the alarm topic (infra/compliance.ts `ALARM_TOPIC_OUTPUT`; not imported, so the CLI starts without CDK). */
const ALARM_TOPIC_OUTPUT = 'SluiceAlarmTopicArn';
/** DescribeAlarms takes at most 100 names per call. */
const ALARM_NAMES_PER_CALL = 100;
/** How far back the Step Functions quota figures are read. */
const STATE_TRANSITION_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Runs every check of `sluice doctor` on a deployed stack, read-only: Lambda concurrency quota against the
 * stack's needs, CDK bootstrap version (unless `skipBootstrap`: nothing is deployed locally), the Step Functions
 * state-transition quota and throttling (stacks with a state machine), the stack's alarms and their actions,
 * and the subscriptions of the alarm topic.
 *
 * Before the first deploy, pass the synthesized `template`: the account checks run against it, the alarms'
 * actions are read from it, and the subscriptions wait for the deploy (nothing is asked of CloudFormation).
 *
 * @example
 * const findings = await runDoctor(clients, { stack: 'Sluice', outputs });
 * const before = await runDoctor(clients, { stack: 'Sluice', outputs: {}, template: JSON.parse(readFileSync('cdk.out/Sluice.template.json', 'utf8')) });
 */
export async function runDoctor(
  clients: DoctorClients,
  options: { stack: string; outputs: Readonly<Record<string, string>>; skipBootstrap?: boolean; template?: DoctorTemplate },
): Promise<DoctorFinding[]> {
  const deployed = options.template === undefined;
  const template = options.template ?? (await stackTemplate(clients.cloudformation, options.stack));
  const findings: DoctorFinding[] = [];

  const settings = await clients.lambda.send(new GetAccountSettingsCommand({}));
  const limit = settings.AccountLimit?.ConcurrentExecutions ?? 0;
  findings.push(checkConcurrency({ limit, unreserved: settings.AccountLimit?.UnreservedConcurrentExecutions ?? limit }, concurrencyNeeds(template)));

  const required = bootstrapRequirement(template);
  if (options.skipBootstrap) findings.push({ check: 'CDK bootstrap', status: 'skip', detail: 'nothing is deployed locally' });
  else if (required) findings.push(checkBootstrap(await bootstrapVersion(clients.ssm, required.parameter), required));
  else findings.push({ check: 'CDK bootstrap', status: 'skip', detail: 'the template names no bootstrap version (synthesized without the default synthesizer)' });

  if (Object.values(template.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine')) {
    findings.push(checkStateTransitions(await stateTransitionFigures(clients.cloudwatch, new Date())));
  }

  if (!deployed) {
    findings.push(...checkAlarms(templateAlarms(template)));
    findings.push({ check: 'alarm topic subscriptions', status: 'skip', detail: `not deployed yet: subscribe to the ${ALARM_TOPIC_OUTPUT} output after the deploy` });
    return findings;
  }

  const resources = await stackResources(clients.cloudformation, options.stack);
  const alarmNames = resources.filter((r) => r.ResourceType === 'AWS::CloudWatch::Alarm').flatMap((r) => (r.PhysicalResourceId ? [r.PhysicalResourceId] : []));
  findings.push(...checkAlarms(await describeAlarms(clients.cloudwatch, alarmNames)));

  const topicArn = options.outputs[ALARM_TOPIC_OUTPUT];
  if (topicArn) findings.push(checkSubscriptions(topicArn, await subscriptions(clients.sns, topicArn)));
  else findings.push({ check: 'alarm topic subscriptions', status: 'skip', detail: `no ${ALARM_TOPIC_OUTPUT} output: the alarms notify actions of your own` });
  return findings;
}

/** The template's alarms as CloudWatch would describe them (CloudFormation's ActionsEnabled default is true). */
function templateAlarms(template: DoctorTemplate): AlarmView[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => ({ name: id, actions: (r.Properties?.AlarmActions as string[] | undefined) ?? [], actionsEnabled: r.Properties?.ActionsEnabled !== false }));
}

async function stackTemplate(cloudformation: CloudFormationClient, stack: string): Promise<DoctorTemplate> {
  const out = await cloudformation.send(new GetTemplateCommand({ StackName: stack, TemplateStage: 'Processed' }));
  return JSON.parse(out.TemplateBody ?? '{"Resources":{}}') as DoctorTemplate;
}

async function stackResources(cloudformation: CloudFormationClient, stack: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudformation.send(new ListStackResourcesCommand({ StackName: stack, NextToken }));
    all.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

async function bootstrapVersion(ssm: SSMClient, parameter: string): Promise<number | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: parameter }));
    return Number(out.Parameter?.Value);
  } catch (err) {
    if (err instanceof ParameterNotFound || (err as { name?: string }).name === 'ParameterNotFound') return undefined;
    throw err;
  }
}

async function describeAlarms(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<AlarmView[]> {
  const views: AlarmView[] = [];
  for (let i = 0; i < names.length; i += ALARM_NAMES_PER_CALL) {
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + ALARM_NAMES_PER_CALL), AlarmTypes: ['MetricAlarm'] }));
    for (const alarm of out.MetricAlarms ?? []) {
      views.push({ name: alarm.AlarmName ?? '', actions: alarm.AlarmActions ?? [], actionsEnabled: alarm.ActionsEnabled ?? false, ...(alarm.StateValue ? { state: alarm.StateValue } : {}) });
    }
  }
  return views;
}

async function stateTransitionFigures(cloudwatch: CloudWatchClient, now: Date): Promise<StateTransitionFigures> {
  const query = (Id: string, MetricName: string, Stat: string) => ({
    Id,
    MetricStat: { Metric: { Namespace: 'AWS/States', MetricName, Dimensions: [{ Name: 'ServiceMetric', Value: 'StateTransition' }] }, Period: 3600, Stat },
  });
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - STATE_TRANSITION_WINDOW_MS),
      EndTime: now,
      MetricDataQueries: [query('refill', 'ProvisionedRefillRate', 'Maximum'), query('bucket', 'ProvisionedBucketSize', 'Maximum'), query('throttled', 'ThrottledEvents', 'Sum')],
    }),
  );
  const values = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
  const highest = (id: string) => (values(id).length > 0 ? Math.max(...values(id)) : undefined);
  // 3 queries × 24 hourly points: one page (GetMetricData returns up to 100,800 points per call).
  return { refillRate: highest('refill'), bucketSize: highest('bucket'), throttled: values('throttled').reduce((a, b) => a + b, 0) };
}

async function subscriptions(sns: SNSClient, topicArn: string): Promise<SubscriptionView[]> {
  const all: SubscriptionView[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    all.push(...(page.Subscriptions ?? []).map((s) => ({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '' })));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}
