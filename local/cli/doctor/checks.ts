/** One result of `sluice doctor`: what was checked, how it stands, and what to do when it is not `ok`. */
export interface DoctorFinding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
  readonly fix?: string;
}

/** The part of a CloudFormation template the checks read. */
export interface DoctorTemplate {
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Rules?: Record<string, { Assertions?: { Assert?: unknown }[] }>;
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** How much Lambda concurrency the stack asks for: reserved, and at peak by its unreserved functions. */
export interface ConcurrencyNeeds {
  readonly reserved: number;
  /** Peak concurrency of the unreserved functions whose mappings and Maps bound it. */
  readonly knownPeak: number;
  /** Unreserved SQS mappings without maximum concurrency (Lambda scales those to the account's limit). */
  readonly unbounded: number;
}

/** Lambda keeps this much of the account's concurrency unreserved; a deploy reserving more fails. */
export const UNRESERVED_MINIMUM = 100;

const refOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  return Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string' ? v['Fn::GetAtt'][0] : undefined;
};

/**
 * The stack's concurrency needs, from its template: reserved concurrency as declared; for each unreserved
 * function its mapping's bound (SQS `MaximumConcurrency`, Kinesis shards × parallelization factor) and, for a
 * state machine's unreserved task functions, the largest Map `MaxConcurrency` of its definition plus one for
 * each other task (the template does not say which task a Map runs, so this bounds it from above).
 *
 * @example
 * concurrencyNeeds(template); // { reserved: 0, knownPeak: 113, unbounded: 0 }
 */
export function concurrencyNeeds(template: DoctorTemplate): ConcurrencyNeeds {
  const resources = new Map(Object.entries(template.Resources));
  const functions = [...resources].filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  const reservedOf = (id: string) => resources.get(id)?.Properties?.ReservedConcurrentExecutions as number | undefined;
  const reserved = functions.reduce((sum, [id]) => sum + (reservedOf(id) ?? 0), 0);
  const peaks = new Map<string, number | undefined>();
  for (const [, mapping] of [...resources].filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')) {
    const fn = refOf(mapping.Properties?.FunctionName);
    const source = resources.get(refOf(mapping.Properties?.EventSourceArn) ?? '');
    if (!fn || reservedOf(fn) !== undefined) continue;
    if (source?.Type === 'AWS::Kinesis::Stream') {
      const shards = Number(source.Properties?.ShardCount ?? 4);
      peaks.set(fn, shards * Number(mapping.Properties?.ParallelizationFactor ?? 1));
    } else {
      const max = (mapping.Properties?.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency;
      peaks.set(fn, max);
    }
  }
  for (const [, machine] of [...resources].filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')) {
    const definition = JSON.stringify(machine.Properties?.DefinitionString ?? machine.Properties?.Definition ?? '');
    const mapConcurrency = Math.max(1, ...[...definition.matchAll(/\\"MaxConcurrency\\":(\d+)/g)].map((m) => Number(m[1])));
    // A Map runs at most MaxConcurrency iterations of its task at once; the other tasks run one at a time.
    const tasks = functions.filter(([id]) => reservedOf(id) === undefined && definition.includes(`"${id}"`));
    tasks.forEach(([id], i) => peaks.set(`${id}#${machine.Type}`, i === 0 ? mapConcurrency : 1));
  }
  const values = [...peaks.values()];
  return { reserved, knownPeak: values.reduce<number>((sum, v) => sum + (v ?? 0), 0), unbounded: values.filter((v) => v === undefined).length };
}

/**
 * Lambda concurrency: a deploy whose reservations leave less than 100 unreserved fails; a stack whose peak
 * passes the account's quota throttles itself (a new account's quota can be as low as 10).
 *
 * @example
 * checkConcurrency({ limit: 10, unreserved: 10 }, { reserved: 0, knownPeak: 113, unbounded: 0 }); // fail
 */
export function checkConcurrency(account: { limit: number; unreserved: number }, needs: ConcurrencyNeeds): DoctorFinding {
  const check = 'Lambda concurrency';
  const raise = 'ask for more: Service Quotas → AWS Lambda → Concurrent executions (L-B99A9384), or lower maxConcurrency / distributedMaxConcurrency';
  if (needs.reserved > 0 && needs.reserved > account.limit - UNRESERVED_MINIMUM) {
    return {
      check,
      status: 'fail',
      detail: `the stack reserves ${needs.reserved} of the account's ${account.limit}; Lambda keeps ${UNRESERVED_MINIMUM} unreserved, so the deploy fails`,
      fix: raise,
    };
  }
  const peak = needs.reserved + needs.knownPeak;
  if (peak > account.limit) {
    return {
      check,
      status: 'fail',
      detail: `at peak the stack runs ${peak} functions at once (reserved ${needs.reserved}), the account allows ${account.limit}: a batch job would throttle the consumers`,
      fix: raise,
    };
  }
  if (needs.unbounded > 0) {
    return {
      check,
      status: 'warn',
      detail: `${needs.unbounded} SQS mapping(s) without maximum concurrency may take up to the account's ${account.limit} (the bounded part peaks at ${peak})`,
      fix: 'set maxConcurrency on those pipelines',
    };
  }
  return { check, status: 'ok', detail: `peak ${peak} of ${account.limit} (reserved ${needs.reserved}, unreserved left ${account.unreserved})` };
}

/**
 * The CDK bootstrap version the template requires (its CheckBootstrapVersion rule refuses the listed
 * versions) and the SSM parameter that holds the account's.
 *
 * @example
 * bootstrapRequirement(template); // { parameter: '/cdk-bootstrap/hnb659fds/version', minimum: 6 }
 */
export function bootstrapRequirement(template: DoctorTemplate): { parameter: string; minimum: number } | undefined {
  const parameter = template.Parameters?.BootstrapVersion?.Default;
  if (typeof parameter !== 'string') return undefined;
  const refused = JSON.stringify(template.Rules?.CheckBootstrapVersion?.Assertions ?? []).match(/"Fn::Contains":\[\[([\d,"]*)\]/)?.[1];
  const versions = (refused ?? '').split(',').map((v) => Number(v.replace(/"/g, ''))).filter(Number.isFinite);
  return { parameter, minimum: versions.length > 0 ? Math.max(...versions) + 1 : 1 };
}

/**
 * The account's CDK bootstrap against what the template requires.
 *
 * @example
 * checkBootstrap(undefined, { parameter: '/cdk-bootstrap/hnb659fds/version', minimum: 6 }); // fail: run cdk bootstrap
 */
export function checkBootstrap(version: number | undefined, required: { parameter: string; minimum: number }): DoctorFinding {
  const check = 'CDK bootstrap';
  if (version === undefined) return { check, status: 'fail', detail: `no ${required.parameter}: the account and region are not bootstrapped`, fix: 'npx cdk bootstrap' };
  if (version < required.minimum) return { check, status: 'fail', detail: `version ${version}, the template needs ${required.minimum} or later`, fix: 'npx cdk bootstrap (upgrades the CDKToolkit stack)' };
  return { check, status: 'ok', detail: `version ${version} (needs ${required.minimum} or later)` };
}

/** An alarm as CloudWatch describes it. */
export interface AlarmView {
  readonly name: string;
  readonly actions: readonly string[];
  readonly actionsEnabled: boolean;
  readonly state?: string;
}

/**
 * Every alarm of the stack must notify someone; alarms in ALARM are reported too.
 *
 * @example
 * checkAlarms([{ name: 'Sluice-OrdersDeadLettersAlarm-…', actions: [topicArn], actionsEnabled: true }]);
 */
export function checkAlarms(alarms: readonly AlarmView[]): DoctorFinding[] {
  const silent = alarms.filter((a) => a.actions.length === 0 || !a.actionsEnabled);
  const firing = alarms.filter((a) => a.state === 'ALARM');
  return [
    silent.length > 0
      ? { check: 'alarm actions', status: 'fail', detail: `${silent.length} of ${alarms.length} alarms notify nobody: ${silent.map((a) => a.name).join(', ')}`, fix: 'give the constructs alarmAction, or keep the default alarm topic' }
      : { check: 'alarm actions', status: alarms.length > 0 ? 'ok' : 'warn', detail: alarms.length > 0 ? `all ${alarms.length} alarms have actions` : 'the stack has no alarms' },
    ...(firing.length > 0 ? [{ check: 'alarms firing', status: 'warn' as const, detail: firing.map((a) => a.name).join(', '), fix: 'docs/operations.md has a runbook per alarm' }] : []),
  ];
}

/** A subscription as SNS lists it (`PendingConfirmation` until the endpoint confirms). */
export interface SubscriptionView {
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
}

/**
 * A topic that alarms notify must reach someone: at least one confirmed subscription.
 *
 * @example
 * checkSubscriptions(topicArn, [{ arn: 'PendingConfirmation', protocol: 'email', endpoint: 'ops@example.com' }]); // warn
 */
export function checkSubscriptions(topicArn: string, subscriptions: readonly SubscriptionView[]): DoctorFinding {
  const check = 'alarm topic subscriptions';
  const confirmed = subscriptions.filter((s) => s.arn.startsWith('arn:'));
  const subscribe = `aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint you@example.com`;
  if (confirmed.length > 0) return { check, status: 'ok', detail: `${confirmed.length} confirmed: ${confirmed.map((s) => `${s.protocol}:${s.endpoint}`).join(', ')}` };
  if (subscriptions.length > 0) return { check, status: 'warn', detail: `${subscriptions.length} waiting for confirmation, none confirmed`, fix: 'confirm the subscription (the e-mail SNS sent)' };
  return { check, status: 'fail', detail: `nobody subscribes to ${topicArn}: every alarm goes unheard`, fix: subscribe };
}

/**
 * The account's Step Functions state-transition quota as CloudWatch reports it (namespace `AWS/States`,
 * dimension `ServiceMetric=StateTransition`) over the last day. The figures exist only for periods in which
 * the account ran state transitions: `undefined` means none in the window.
 */
export interface StateTransitionFigures {
  /** Highest `ProvisionedRefillRate` (transitions per second the account refills). */
  readonly refillRate?: number;
  /** Highest `ProvisionedBucketSize` (the burst the account allows). */
  readonly bucketSize?: number;
  /** Sum of `ThrottledEvents`: transitions Step Functions delayed because the bucket was empty. */
  readonly throttled: number;
}

/**
 * Step Functions' state-transition quota, shared by every state machine of the account and region. New
 * accounts start with a reduced one that AWS raises with use (Step Functions developer guide, "Service
 * quotas"); it is not readable until the account has run transitions, so the check reads what CloudWatch
 * measured: the provisioned rate and bucket, and whether any transition was throttled.
 *
 * @example
 * checkStateTransitions({ refillRate: 25, bucketSize: 800, throttled: 1200 }); // fail: a batch job was slowed
 */
export function checkStateTransitions(figures: StateTransitionFigures): DoctorFinding {
  const check = 'Step Functions transitions';
  const quota = `refill ${figures.refillRate ?? '?'}/s, bucket ${figures.bucketSize ?? '?'}`;
  if (figures.throttled > 0) {
    return {
      check,
      status: 'fail',
      detail: `${figures.throttled} state transitions throttled in the last 24 hours (${quota}): batch jobs ran slower than their Map concurrency`,
      fix: 'request a higher StateTransition quota (Service Quotas console or AWS Support Center), or lower distributedMaxConcurrency',
    };
  }
  if (figures.refillRate === undefined) {
    return { check, status: 'skip', detail: 'no state transitions in the last 24 hours: CloudWatch reports the quota once a job has run' };
  }
  return { check, status: 'ok', detail: `${quota}, none throttled in the last 24 hours` };
}
