import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A resource of the running stack as CloudFormation lists it. */
export interface ControlPlaneResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
}

/** A CloudWatch alarm of the template, its actions resolved to the local resources (the SNS topic's ARN …). */
export interface ControlPlaneAlarm {
  readonly name: string;
  readonly description?: string;
  readonly actions: readonly string[];
  readonly actionsEnabled: boolean;
}

/** The account facts a local run stands in for: what `sluice doctor` checks before a deploy. */
export interface LocalAccount {
  /** Lambda's account concurrency quota. Default 1000, AWS's default for an established account. */
  readonly concurrencyLimit?: number;
  /** CDK bootstrap version (SSM `/cdk-bootstrap/<qualifier>/version`). Default: none, as in an account never bootstrapped. */
  readonly bootstrapVersion?: number;
  /**
   * Step Functions' state-transition figures CloudWatch reports for the last day (`AWS/States`,
   * `ServiceMetric=StateTransition`). Default: none, as in an account that ran no transitions (the local
   * state machines have no quota).
   */
  readonly stateTransitions?: { readonly refillRate: number; readonly bucketSize: number; readonly throttled: number };
}

/** What the control plane serves: the one stack the runtime runs. */
export interface ControlPlaneView {
  readonly region: string;
  readonly accountId: string;
  /** The synthesized template, as CloudFormation's GetTemplate returns it. */
  readonly template: unknown;
  readonly resources: () => readonly ControlPlaneResource[];
  readonly outputs: () => Readonly<Record<string, string>>;
  readonly alarms: () => readonly ControlPlaneAlarm[];
  /** Σ ReservedConcurrentExecutions of the stack's functions. */
  readonly reservedConcurrency: () => number;
  readonly account: LocalAccount;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const xml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STARTED = '2026-01-01T00:00:00Z';

/** CloudFormation (awsQuery: form body, XML answer): the stack, its resources and its template. */
function cloudFormation(params: URLSearchParams, view: ControlPlaneView): string {
  const action = params.get('Action') ?? '';
  const stackName = params.get('StackName') ?? 'local';
  const wrap = (result: string) =>
    `<${action}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></${action}Response>`;
  switch (action) {
    case 'DescribeStacks': {
      const outputs = Object.entries(view.outputs())
        .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
        .join('');
      return wrap(
        `<Stacks><member><StackName>${xml(stackName)}</StackName><StackId>arn:aws:cloudformation:${view.region}:${view.accountId}:stack/${xml(stackName)}/local</StackId>` +
          `<StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>${STARTED}</CreationTime><Outputs>${outputs}</Outputs></member></Stacks>`,
      );
    }
    case 'ListStackResources': {
      const members = view
        .resources()
        .map(
          (r) =>
            `<member><LogicalResourceId>${xml(r.logicalId)}</LogicalResourceId><PhysicalResourceId>${xml(r.physicalId)}</PhysicalResourceId>` +
            `<ResourceType>${xml(r.type)}</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>${STARTED}</LastUpdatedTimestamp></member>`,
        )
        .join('');
      return wrap(`<StackResourceSummaries>${members}</StackResourceSummaries>`);
    }
    case 'GetTemplate':
      return wrap(`<TemplateBody>${xml(JSON.stringify(view.template))}</TemplateBody>`);
    default:
      throw new ApiError('InvalidAction', `CloudFormation ${action || '(no action)'} is not served locally`);
  }
}

/** The local account's one datapoint per `AWS/States` StateTransition metric (stamped at the query's end). */
function stateTransitionValue(view: ControlPlaneView, metricName: unknown): number | undefined {
  const figures = view.account.stateTransitions;
  if (!figures) return undefined;
  const byMetric = new Map<unknown, number>([
    ['ProvisionedRefillRate', figures.refillRate],
    ['ProvisionedBucketSize', figures.bucketSize],
    ['ThrottledEvents', figures.throttled],
  ]);
  return byMetric.get(metricName);
}

/** CloudWatch GetMetricData: the account's Step Functions state-transition figures; every other metric has no data locally. */
function metricData(body: Record<string, unknown>, view: ControlPlaneView): unknown {
  const queries = Array.isArray(body.MetricDataQueries) ? (body.MetricDataQueries as { Id?: string; MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] } } }[]) : [];
  const end = typeof body.EndTime === 'number' ? body.EndTime : Date.now() / 1000;
  return {
    MetricDataResults: queries.map((query) => {
      const metric = query.MetricStat?.Metric;
      const isStateTransition = metric?.Namespace === 'AWS/States' && (metric.Dimensions ?? []).some((d) => d.Name === 'ServiceMetric' && d.Value === 'StateTransition');
      const value = isStateTransition ? stateTransitionValue(view, metric?.MetricName) : undefined;
      return { Id: query.Id, Label: metric?.MetricName, StatusCode: 'Complete', Timestamps: value === undefined ? [] : [end], Values: value === undefined ? [] : [value] };
    }),
    Messages: [],
  };
}

/** CloudWatch (AWS JSON 1.0): DescribeAlarms of the template's alarms, none of them evaluated locally; GetMetricData. */
function cloudWatch(operation: string, body: Record<string, unknown>, view: ControlPlaneView): unknown {
  if (operation === 'GetMetricData') return metricData(body, view);
  if (operation !== 'DescribeAlarms') throw new ApiError('InvalidAction', `CloudWatch ${operation || '(no operation)'} is not served locally`);
  const names = Array.isArray(body.AlarmNames) ? new Set(body.AlarmNames as string[]) : undefined;
  const alarms = view.alarms().filter((a) => !names || names.has(a.name));
  return {
    MetricAlarms: alarms.map((a) => ({
      AlarmName: a.name,
      AlarmArn: `arn:aws:cloudwatch:${view.region}:${view.accountId}:alarm:${a.name}`,
      AlarmDescription: a.description,
      ActionsEnabled: a.actionsEnabled,
      AlarmActions: a.actions,
      StateValue: 'INSUFFICIENT_DATA',
    })),
    CompositeAlarms: [],
  };
}

/** SSM (AWS JSON 1.1): GetParameter of the CDK bootstrap version, the only parameter a local account has. */
function ssm(operation: string, body: Record<string, unknown>, view: ControlPlaneView): unknown {
  if (operation !== 'GetParameter') throw new ApiError('InvalidAction', `SSM ${operation || '(no operation)'} is not served locally`);
  const name = String(body.Name ?? '');
  const version = view.account.bootstrapVersion;
  if (!/^\/cdk-bootstrap\/[^/]+\/version$/.test(name) || version === undefined) throw new ApiError('ParameterNotFound', `parameter ${name} not found`);
  return { Parameter: { Name: name, Type: 'String', Value: String(version), Version: 1 } };
}

/** Lambda (REST JSON): GetAccountSettings with the local account's concurrency quota. */
function lambdaAccountSettings(view: ControlPlaneView): unknown {
  const limit = view.account.concurrencyLimit ?? 1000;
  return {
    AccountLimit: { ConcurrentExecutions: limit, UnreservedConcurrentExecutions: limit - view.reservedConcurrency(), TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800 },
    AccountUsage: { TotalCodeSize: 0, FunctionCount: view.resources().filter((r) => r.type === 'AWS::Lambda::Function').length },
  };
}

/**
 * Serves, read-only, what AWS's control plane would say about the stack the local runtime runs, over the
 * real wire protocols, so `sluice doctor` (and the AWS CLI) can point at it as at an account:
 * CloudFormation DescribeStacks / ListStackResources / GetTemplate, CloudWatch DescribeAlarms and GetMetricData, Lambda
 * GetAccountSettings, and SSM GetParameter for the CDK bootstrap version. One endpoint for all four
 * (`AWS_ENDPOINT_URL_CLOUDFORMATION`, `_CLOUDWATCH`, `_LAMBDA`, `_SSM`); the services are told apart by the
 * request, as their protocols differ. Anything else answers an error naming what is not served.
 *
 * @example
 * const api = await startControlPlaneApi(view);
 * const cloudformation = new CloudFormationClient({ endpoint: api.endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
 */
export async function startControlPlaneApi(view: ControlPlaneView, options: { port?: number } = {}): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => void handle(req, res, view));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, view: ControlPlaneView): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const target = String(req.headers['x-amz-target'] ?? '');
  const json = (status: number, payload: unknown, contentType: string, errorType?: string) => {
    res.writeHead(status, { 'content-type': contentType, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(payload));
  };
  const isXmlService = !target && req.method === 'POST' && !String(req.url).startsWith('/2016-08-19/');
  try {
    if (target.startsWith('GraniteServiceVersion20100801.')) {
      json(200, cloudWatch(target.split('.')[1]!, parse(raw), view), 'application/x-amz-json-1.0');
    } else if (target.startsWith('AmazonSSM.')) {
      json(200, ssm(target.split('.')[1]!, parse(raw), view), 'application/x-amz-json-1.1');
    } else if (req.method === 'GET' && /^\/2016-08-19\/account-settings\/?$/.test(String(req.url))) {
      json(200, lambdaAccountSettings(view), 'application/json');
    } else if (isXmlService) {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(cloudFormation(new URLSearchParams(raw), view));
    } else {
      throw new ApiError('UnknownOperationException', `${req.method} ${req.url} ${target} is not served by the local control plane`);
    }
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError('InternalFailure', (err as Error).message, 500);
    if (isXmlService) {
      res.writeHead(error.status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${xml(error.type)}</Code><Message>${xml(error.message)}</Message></Error><RequestId>local</RequestId></ErrorResponse>`);
    } else {
      json(error.status, { __type: error.type, message: error.message }, target.startsWith('AmazonSSM.') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0', error.type);
    }
  }
}

function parse(raw: string): Record<string, unknown> {
  return raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
}
