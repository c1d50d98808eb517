import { rmSync } from 'node:fs';
import { queueDepth, type QueueDepth } from '../../shared/queue/queue-depth.ts';
import { OUTPUT_METADATA_KEY } from '../../shared/stack-outputs.ts';
import { startEmulators, type EmulatorEndpoints, type Emulators } from '../emulators/index.ts';
import { emulatorEnvironment } from '../emulators/environment.ts';
import { loadApp, type AppSource, type LoadedApp } from '../template/load-template.ts';
import { TemplateResolver } from '../template/resolver.ts';
import type { CfnTemplate } from '../template/types.ts';
import { createSqsPoller, type SqsMappingProperties, type SqsPollerStats } from '../pollers/sqs-poller.ts';
import type { SqsFaults } from '../pollers/sqs-fault-injection.ts';
import { createKinesisPoller, type KinesisMappingProperties, type KinesisPollerStats } from '../pollers/kinesis-poller.ts';
import { startStepFunctionsApi } from '../stepfunctions/api-server.ts';
import { createTemplateStateMachines } from '../stepfunctions/from-template.ts';
import type { LocalStateMachine, LocalStateMachineOptions, StateMachineEvent } from '../stepfunctions/state-machine.ts';
import { createWorkDir, functionCode } from './function-code.ts';
import { captureFunctionOutput } from './function-output.ts';
import { createLocalFunction, type LocalFunction } from './local-function.ts';
import { applyProcessEnvironment } from './process-environment.ts';
import { createRuntimeClients, type RuntimeClients } from './runtime-clients.ts';
import { provisionResources, type ProvisionOverrides } from './provision.ts';
import { startControlPlaneApi, type ControlPlaneAlarm, type LocalAccount } from '../control-plane/api-server.ts';
import { notEmulated, ResourceRegistry, type LocalResource, type NotEmulated } from './resources.ts';
import { RuntimeEvents } from './runtime-events.ts';
import { until } from './until.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';
export interface LocalRuntimeOptions {
  /** The app to run: a CDK project (default: the working directory's `cdk.json`), an in-process app, a cloud assembly or a template file. */
  readonly app?: AppSource;
  /** A template to run as it is (tests edit templates); its entries resolve from `projectRoot`. Wins over `app`. */
  readonly template?: CfnTemplate;
  /** With `template`: the cloud assembly holding its assets, if other functions than sluice's must run. */
  readonly assemblyDir?: string;
  /** Emulators already running (tests share one set); default: start them and stop them with the runtime. */
  readonly endpoints?: EmulatorEndpoints;
  /** Prefixed to every resource name, so several runtimes can share emulators. */
  readonly namePrefix?: string;
  readonly region?: string;
  /** With `template`: where recorded entries resolve from (default: the working directory). */
  readonly projectRoot?: string;
  /** Start the event source pollers (default true). */
  readonly pollers?: boolean;
  /**
   * Attribute this process's stdout/stderr writes to the function invocation that made them, so each
   * function keeps its last log lines (`LocalFunction.recentLogs()`, the `log` event). `sluice dev` turns it on.
   */
  readonly captureFunctionLogs?: boolean;
  /**
   * The address the emulators it starts and its Step Functions API listen on (default 127.0.0.1). They
   * have no authentication: anything that reaches them reads and writes every resource.
   */
  readonly listenHost?: string;
  readonly overrides?: ProvisionOverrides;
  readonly sqsFaults?: SqsFaults;
  /** Environment added to every function (e.g. log level); the template's variables win over these. */
  readonly functionEnvironment?: Record<string, string>;
  /** Receives one line per notable runtime event (handler errors, skipped resources). */
  readonly log?: (line: string) => void;
  /** The account facts the control plane answers with (`sluice doctor`): concurrency quota, bootstrap version, Step Functions figures. */
  readonly account?: LocalAccount;
  /** Options for every state machine (tests compress Retry waits, watch events, or wrap functions to inject faults). */
  readonly stateMachines?: Partial<Pick<LocalStateMachineOptions, 'retryIntervalMs' | 'retryIntervalOverrides' | 'onEvent'>> & {
    readonly wrapFunction?: (fn: LocalFunction) => LocalFunction;
  };
}

/** A function of the template the runtime does not run, and why. */
export interface UnsupportedFunction {
  readonly logicalId: string;
  readonly reason: string;
}

/** What every event source poller offers the runtime. */
export interface EventSourcePoller<Stats> {
  readonly stats: Stats;
  start(): void;
  stop(): Promise<void>;
  idle(): boolean;
}

/** A running event source mapping: a source (queue or stream) feeding a function. */
export interface RunningMapping<Stats = SqsPollerStats> {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly source: LocalResource;
  /** The mapping's properties, intrinsics resolved (BatchSize, DestinationConfig …). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly poller: EventSourcePoller<Stats>;
}

export type { RuntimeClients } from './runtime-clients.ts';

/** The template's CloudWatch alarms as CloudWatch would describe them, actions resolved to the local resources. */
function templateAlarms(resources: ResourceRegistry, resolver: TemplateResolver): ControlPlaneAlarm[] {
  return resources.ofType('AWS::CloudWatch::Alarm').map((alarm) => {
    const props = (resolver.resolve(alarm.definition.Properties ?? {}) ?? {}) as { AlarmDescription?: string; AlarmActions?: string[]; ActionsEnabled?: boolean };
    return { name: alarm.ref, description: props.AlarmDescription, actions: props.AlarmActions ?? [], actionsEnabled: props.ActionsEnabled ?? true };
  });
}

/** What {@link LocalRuntime.start} builds, handed to the runtime in one piece: its public parts and the private ones. */
type LocalRuntimeState = Pick<
  LocalRuntime,
  'template' | 'resources' | 'functions' | 'sqsMappings' | 'streamMappings' | 'clients' | 'endpoints' | 'region' | 'stateMachines' | 'unsupportedFunctions' | 'notEmulated' | 'events' | 'stackName'
> & {
  /** The emulators it started (undefined when it was given endpoints): stopped with it. */
  readonly ownedEmulators: Emulators | undefined;
  readonly resolver: TemplateResolver;
  /** Stops what `start()` started besides the pollers and emulators (APIs, the app, the work directory, process.env). */
  readonly release: () => Promise<void>;
};

/** Quiet defaults for in-process handlers: a local run should print its progress, not EMF blobs. */
const LOCAL_FUNCTION_DEFAULTS: Record<string, string> = {
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
};

/**
 * The local event-source runtime: takes the synthesized template, creates its queues, tables,
 * streams and buckets in the emulators, maps each function to its TypeScript entry and resolved
 * environment, and runs one poller per event source mapping with Lambda's semantics.
 *
 * Its own clients (`clients`) are built on explicit endpoints. The functions run in this process, and their
 * SDK clients find the emulators through `AWS_ENDPOINT_URL_<SERVICE>`: those variables are in `process.env`
 * from `start()` to `stop()`, which puts `process.env` back as it found it (local/runtime/process-environment.ts
 * says why this cannot be narrower).
 *
 * @example
 * const runtime = await LocalRuntime.start({ app: { projectDir: 'my-app' } });
 * const queueUrl = runtime.output('InvoicesQueueUrl');
 * await runtime.drain();
 * await runtime.stop();
 */
export class LocalRuntime {
  readonly template: CfnTemplate;
  readonly resources: ResourceRegistry;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The SQS event source mappings. */
  readonly sqsMappings: readonly RunningMapping<SqsPollerStats>[];
  /** The Kinesis event source mappings. */
  readonly streamMappings: readonly RunningMapping<KinesisPollerStats>[];
  readonly clients: RuntimeClients;
  readonly endpoints: EmulatorEndpoints;
  readonly region: string;
  /** The template's state machines, their Task states bound to the local functions. */
  readonly stateMachines: readonly LocalStateMachine[];
  /** Functions of the template the runtime cannot run, each with the reason. */
  readonly unsupportedFunctions: readonly UnsupportedFunction[];
  /** What the template holds that the runtime accepts but does not emulate (KMS keys, VPC, alarms …), with the reason. */
  readonly notEmulated: readonly NotEmulated[];
  /** Function invocations and log lines, state machine execution events, as they happen. */
  readonly events: RuntimeEvents;
  /** The stack it runs (`local` for a template given as an object). */
  readonly stackName: string;
  private readonly ownedEmulators: Emulators | undefined;
  private readonly resolver: TemplateResolver;
  private readonly release: () => Promise<void>;

  private constructor(state: LocalRuntimeState) {
    this.template = state.template;
    this.resources = state.resources;
    this.functions = state.functions;
    this.sqsMappings = state.sqsMappings;
    this.streamMappings = state.streamMappings;
    this.clients = state.clients;
    this.endpoints = state.endpoints;
    this.region = state.region;
    this.stateMachines = state.stateMachines;
    this.unsupportedFunctions = state.unsupportedFunctions;
    this.notEmulated = state.notEmulated;
    this.events = state.events;
    this.stackName = state.stackName;
    this.ownedEmulators = state.ownedEmulators;
    this.resolver = state.resolver;
    this.release = state.release;
  }

  /**
   * The SQS event source mappings.
   *
   * @deprecated Use {@link LocalRuntime.sqsMappings}: `mappings` never held the Kinesis ones ({@link LocalRuntime.streamMappings}).
   * @example
   * const deleted = runtime.sqsMappings.reduce((sum, m) => sum + m.poller.stats.deleted, 0);
   */
  get mappings(): readonly RunningMapping<SqsPollerStats>[] {
    return this.sqsMappings;
  }

  /**
   * Loads the app, starts the emulators (unless `endpoints` are given), creates the template's resources,
   * binds its functions and state machines, and starts the pollers (unless `pollers: false`). On failure it
   * stops whatever it had started and leaves `process.env` as it was.
   *
   * @example
   * const runtime = await LocalRuntime.start({ template, projectRoot: '.', endpoints: endpointsFromEnvironment() });
   */
  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    const region = options.region ?? 'us-east-1';
    const log = options.log ?? (() => undefined);
    const events = new RuntimeEvents();
    if (options.captureFunctionLogs) captureFunctionOutput();
    let app = await LocalRuntime.loadApp(options);
    const workDir = createWorkDir();
    const hasStreams = Object.values(app.template.Resources).some((r) => r.Type === 'AWS::Kinesis::Stream');
    const ownedEmulators = options.endpoints ? undefined : await startEmulators({ kinesis: hasStreams, ...(options.listenHost ? { host: options.listenHost } : {}) }).catch((err: unknown) => {
      app.dispose();
      throw err;
    });
    let stopApi: (() => Promise<void>) | undefined;
    let stopControlPlane: (() => Promise<void>) | undefined;
    let restoreEnvironment: (() => void) | undefined;
    try {
      const emulatorEndpoints = options.endpoints ?? ownedEmulators!.endpoints;
      app = await LocalRuntime.bundleIfNeeded(app, workDir, log);
      const { template } = app;
      // The Step Functions API must be up before any function runs: a starter function's SFNClient
      // reads AWS_ENDPOINT_URL_SFN like any other endpoint. Machines are added once built.
      const machines: LocalStateMachine[] = [];
      const hasStateMachines = Object.values(template.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine');
      const api = hasStateMachines ? await startStepFunctionsApi(machines, options.listenHost ? { host: options.listenHost } : {}) : undefined;
      stopApi = api?.stop;
      const endpoints: EmulatorEndpoints = { ...emulatorEndpoints, ...(api ? { sfn: api.endpoint } : {}) };
      const resources = ResourceRegistry.fromTemplate(template, {
        region,
        accountId: LOCAL_ACCOUNT_ID,
        namePrefix: options.namePrefix ?? '',
        sqsEndpoint: endpoints.sqs,
      });
      const resolver = new TemplateResolver({
        region,
        accountId: LOCAL_ACCOUNT_ID,
        stackName: 'local',
        identityOf: (id) => resources.get(id),
        parameterDefault: (name) => template.Parameters?.[name]?.Default,
      });
      const clients = createRuntimeClients(endpoints, region);
      await provisionResources(resources, resolver, clients, options.overrides);
      const skipped = notEmulated(resources);
      // CloudFormation, CloudWatch, Lambda and SSM, read-only, as an account would describe this stack (`sluice doctor`).
      const started: { runtime?: LocalRuntime } = {};
      const controlPlane = await startControlPlaneApi({
        region,
        accountId: LOCAL_ACCOUNT_ID,
        template,
        resources: () => resources.all().map((r) => ({ logicalId: r.logicalId, type: r.type, physicalId: r.ref })),
        outputs: () => started.runtime?.outputs() ?? {},
        alarms: () => templateAlarms(resources, resolver),
        reservedConcurrency: () =>
          resources.ofType('AWS::Lambda::Function').reduce((sum, fn) => sum + Number(fn.definition.Properties?.ReservedConcurrentExecutions ?? 0), 0),
        account: options.account ?? {},
      });
      stopControlPlane = controlPlane.stop;
      Object.assign(endpoints, { controlPlane: controlPlane.endpoint });
      // For the functions' own SDK clients, until stop(): see process-environment.ts for why they need it.
      restoreEnvironment = applyProcessEnvironment(emulatorEnvironment(endpoints, region));
      const { functions, unsupported } = LocalRuntime.createFunctions(resources, resolver, options, region, { app, workDir }, events);
      for (const { logicalId, reason } of unsupported) log(`not running function ${logicalId} locally: ${reason}`);
      const { wrapFunction, onEvent, ...tuning } = options.stateMachines ?? {};
      const machineOptions = {
        ...tuning,
        onEvent: (executionArn: string, event: StateMachineEvent) => {
          events.emit('execution', executionArn, event);
          onEvent?.(executionArn, event);
        },
      };
      machines.push(
        ...createTemplateStateMachines({
          resources: resources.ofType('AWS::StepFunctions::StateMachine'),
          resolver,
          functions: functions.values(),
          s3: clients.s3,
          dynamodb: clients.dynamodb,
          machineOptions,
          ...(wrapFunction ? { wrapFunction } : {}),
        }),
      );
      const { sqsMappings, streamMappings } = LocalRuntime.createMappings(resources, resolver, functions, clients, options, region, log);
      const release = async () => {
        await api?.stop();
        await controlPlane.stop();
        app.dispose();
        rmSync(workDir, { recursive: true, force: true });
        restoreEnvironment?.();
      };
      const runtime = new LocalRuntime({
        template,
        resources,
        functions,
        sqsMappings,
        streamMappings,
        clients,
        endpoints,
        region,
        stateMachines: machines,
        unsupportedFunctions: unsupported,
        notEmulated: skipped,
        ownedEmulators,
        resolver,
        release,
        events,
        stackName: app.stackName,
      });
      started.runtime = runtime;
      if (options.pollers !== false) runtime.startPollers();
      return runtime;
    } catch (err) {
      await stopApi?.();
      await stopControlPlane?.();
      await ownedEmulators?.stop();
      app.dispose();
      rmSync(workDir, { recursive: true, force: true });
      restoreEnvironment?.();
      throw err;
    }
  }

  private static async loadApp(options: LocalRuntimeOptions): Promise<LoadedApp> {
    if (!options.template) return loadApp(options.app ?? { projectDir: process.cwd() });
    return {
      template: options.template,
      stackName: 'local',
      projectRoot: options.projectRoot ?? process.cwd(),
      ...(options.assemblyDir ? { assemblyDir: options.assemblyDir } : {}),
      dispose: () => undefined,
    };
  }

  /** Synthesizes once more with bundling on when a function only exists as a bundled asset. */
  private static async bundleIfNeeded(app: LoadedApp, workDir: string, log: (line: string) => void): Promise<LoadedApp> {
    const needsBundling = Object.entries(app.template.Resources).some(([id, resource]) => {
      if (resource.Type !== 'AWS::Lambda::Function') return false;
      const code = LocalRuntime.codeOf(id, resource, app, workDir);
      return code.kind === 'unsupported' && code.needsBundling === true;
    });
    if (!needsBundling || !app.bundleAssets) return app;
    log('bundling the functions that are not sluice functions (esbuild), to run them as they ship…');
    const bundled = await app.bundleAssets();
    app.dispose();
    return bundled;
  }

  private static codeOf(logicalId: string, resource: CfnTemplate['Resources'][string], app: LoadedApp, workDir: string) {
    return functionCode(logicalId, resource, { projectRoot: app.projectRoot, workDir, ...(app.assemblyDir ? { assemblyDir: app.assemblyDir } : {}) });
  }

  private static createFunctions(
    resources: ResourceRegistry,
    resolver: TemplateResolver,
    options: LocalRuntimeOptions,
    region: string,
    code: { app: LoadedApp; workDir: string },
    events: RuntimeEvents,
  ): { functions: Map<string, LocalFunction>; unsupported: UnsupportedFunction[] } {
    const functions = new Map<string, LocalFunction>();
    const unsupported: UnsupportedFunction[] = [];
    for (const resource of resources.ofType('AWS::Lambda::Function')) {
      const source = LocalRuntime.codeOf(resource.logicalId, resource.definition, code.app, code.workDir);
      if (source.kind === 'unsupported') {
        unsupported.push({ logicalId: resource.logicalId, reason: source.reason });
        continue;
      }
      const props = resource.definition.Properties ?? {};
      const variables = (resolver.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) ?? {}) as Record<string, unknown>;
      const memory = Number(props.MemorySize ?? 128);
      const environment: Record<string, string> = {
        ...LOCAL_FUNCTION_DEFAULTS,
        ...options.functionEnvironment,
        ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        AWS_LAMBDA_FUNCTION_NAME: resource.physicalName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_REGION: region,
      };
      // Source maps are already on in-process, and NODE_OPTIONS cannot change a running process.
      delete environment.NODE_OPTIONS;
      functions.set(
        resource.logicalId,
        createLocalFunction({
          logicalId: resource.logicalId,
          functionName: resource.physicalName,
          arn: resource.attributes.Arn!,
          entry: source.entry,
          modulePath: source.modulePath,
          handlerName: source.handlerName,
          timeoutSeconds: Number(props.Timeout ?? 3),
          memoryLimitInMB: memory,
          environment,
          events,
        }),
      );
    }
    return { functions, unsupported };
  }

  private static createMappings(
    resources: ResourceRegistry,
    resolver: TemplateResolver,
    functions: Map<string, LocalFunction>,
    clients: RuntimeClients,
    options: LocalRuntimeOptions,
    region: string,
    log: (line: string) => void,
  ): { sqsMappings: RunningMapping<SqsPollerStats>[]; streamMappings: RunningMapping<KinesisPollerStats>[] } {
    const sqsMappings: RunningMapping<SqsPollerStats>[] = [];
    const streamMappings: RunningMapping<KinesisPollerStats>[] = [];
    for (const resource of resources.ofType('AWS::Lambda::EventSourceMapping')) {
      const props = resolver.resolve(resource.definition.Properties ?? {}) as Record<string, unknown>;
      const fnEntry = [...functions.values()].find((f) => f.functionName === props.FunctionName || f.arn === props.FunctionName);
      const source = resources.byArn(String(props.EventSourceArn));
      if (!fnEntry || !source) {
        log(`skipping event source mapping ${resource.logicalId}: function or source not local`);
        continue;
      }
      const onError = (error: unknown) => log(`${fnEntry.logicalId}: batch failed: ${(error as Error).message ?? String(error)}`);
      const common = { logicalId: resource.logicalId, functionLogicalId: fnEntry.logicalId, source, properties: props };
      if (source.type === 'AWS::Kinesis::Stream') {
        if (!clients.kinesis) throw new Error(`event source mapping ${resource.logicalId} reads a stream but no Kinesis emulator is running`);
        const poller = createKinesisPoller({
          mapping: props as unknown as KinesisMappingProperties,
          fn: fnEntry,
          streamName: source.physicalName,
          kinesis: clients.kinesis,
          sqs: clients.sqs,
          queueUrlForArn: (arn) => resources.byArn(arn)?.ref ?? arn,
          region,
          onError,
        });
        streamMappings.push({ ...common, poller });
        continue;
      }
      if (source.type !== 'AWS::SQS::Queue') {
        log(`skipping event source mapping ${resource.logicalId}: ${source.type} sources are not emulated`);
        continue;
      }
      const queueProps = source.definition.Properties ?? {};
      const poller = createSqsPoller({
        mapping: props as unknown as SqsMappingProperties,
        queueUrl: source.ref,
        fifo: queueProps.FifoQueue === true || queueProps.FifoQueue === 'true',
        fn: fnEntry,
        sqs: clients.sqs,
        region,
        ...(options.sqsFaults ? { faults: options.sqsFaults } : {}),
        onError,
      });
      sqsMappings.push({ ...common, poller });
    }
    return { sqsMappings, streamMappings };
  }

  /**
   * The stack's outputs resolved to the local resources: the same names a deployed stack exposes, so
   * tools find queues and tables the same way on every target. Resources of sluice's constructs are
   * offered under their output names even when the app does not call `addOutputs()`.
   */
  outputs(): Record<string, string> {
    const offered = Object.entries(this.template.Resources).flatMap(([logicalId, resource]) => {
      const name = resource.Metadata?.[OUTPUT_METADATA_KEY];
      const local = this.resources.get(logicalId);
      return typeof name === 'string' && local ? [[name, local.ref] as const] : [];
    });
    const declared = Object.entries(this.template.Outputs ?? {}).map(([name, o]) => [name, String(this.resolver.resolve(o.Value))] as const);
    return Object.fromEntries([...offered, ...declared]);
  }

  /** The value of one stack output; throws when the template has no such output. */
  output(name: string): string {
    const value = this.outputs()[name];
    if (value === undefined) throw new Error(`the template has no output ${name}`);
    return value;
  }

  /** The local resource for a logical id; throws when the template has none. */
  resource(logicalId: string): LocalResource {
    return this.resources.require(logicalId);
  }

  /** The SQS poller of the mapping that reads this queue URL, with its stats. */
  sqsPoller(queueUrl: string): EventSourcePoller<SqsPollerStats> {
    const mapping = this.sqsMappings.find((m) => m.source.ref === queueUrl);
    if (!mapping) throw new Error(`no event source mapping reads the queue ${queueUrl}`);
    return mapping.poller;
  }

  /** The Kinesis poller of the mapping that reads this stream (name), with its stats. */
  streamPoller(streamName: string): EventSourcePoller<KinesisPollerStats> {
    const mapping = this.streamMappings.find((m) => m.source.physicalName === streamName || m.source.ref === streamName);
    if (!mapping) throw new Error(`no event source mapping reads the stream ${streamName}`);
    return mapping.poller;
  }

  private allPollers(): EventSourcePoller<unknown>[] {
    return [...this.sqsMappings, ...this.streamMappings].map((m) => m.poller);
  }

  /** Emulators this runtime started that listen beyond the address asked for (the port and why): warn about them. */
  get exposures(): readonly string[] {
    return this.ownedEmulators?.exposures ?? [];
  }

  /** The first resource of a type whose logical id starts with `prefix` (CDK appends a hash to logical ids). */
  find(type: string, prefix: string): LocalResource {
    const found = this.resources.ofType(type).find((r) => r.logicalId.startsWith(prefix));
    if (!found) throw new Error(`no ${type} whose logical id starts with ${prefix}`);
    return found;
  }

  /**
   * The local function whose logical id starts with `logicalIdPrefix`; throws when there is none.
   *
   * @example
   * const response = await runtime.function('OrdersWorker').invoke(sqsEvent);
   */
  function(logicalIdPrefix: string): LocalFunction {
    const found = [...this.functions.values()].find((f) => f.logicalId.startsWith(logicalIdPrefix));
    if (!found) throw new Error(`no local function whose logical id starts with ${logicalIdPrefix}`);
    return found;
  }

  /**
   * Starts every event source poller (`start()` does unless `pollers: false`).
   *
   * @example
   * const runtime = await LocalRuntime.start({ pollers: false });
   * await fillQueues(runtime);
   * runtime.startPollers();
   */
  startPollers(): void {
    for (const poller of this.allPollers()) poller.start();
  }

  /**
   * Stops every event source poller and waits for the batches in flight.
   *
   * @example
   * await runtime.stopPollers();
   */
  async stopPollers(): Promise<void> {
    await Promise.all(this.allPollers().map((p) => p.stop()));
  }

  /** Messages anywhere in a queue: visible, in flight or delayed. */
  queueDepth(queueUrl: string): Promise<QueueDepth> {
    return queueDepth(this.clients.sqs, queueUrl);
  }

  /**
   * Waits until every queue that feeds a function is empty (nothing visible, in flight or delayed),
   * every stream is read to its end, and every poller is idle. Throws once nothing has moved for
   * `timeoutMs` (default 60 s): no message left a queue, was acknowledged or was handled. The limit is
   * on progress, not on the whole drain, so a big backlog on a slow machine drains, while a message that
   * keeps failing without a DLQ to go to still ends the wait.
   *
   * @example
   * await runtime.drain({ timeoutMs: 30_000 });
   */
  async drain(options: { timeoutMs?: number; includeDelayed?: boolean } = {}): Promise<void> {
    let depths: QueueDepth[] = [];
    let remaining = 0;
    await until(
      async () => {
        depths = await Promise.all(this.sqsMappings.map((m) => this.queueDepth(m.source.ref)));
        remaining = depths.reduce((sum, d) => sum + d.visible + d.inFlight + (options.includeDelayed === false ? 0 : d.delayed), 0);
        return remaining === 0 && this.allPollers().every((p) => p.idle());
      },
      {
        what: () => `the queues to drain: ${JSON.stringify(depths)}`,
        stallMs: options.timeoutMs ?? 60_000,
        progress: () => `${remaining}:${this.handledCount()}`,
      },
    );
  }

  /** Messages acknowledged and stream records handled so far, over every poller: it grows while work gets done. */
  private handledCount(): number {
    const acknowledged = this.sqsMappings.reduce((sum, m) => sum + m.poller.stats.deleted, 0);
    return this.streamMappings.reduce((sum, m) => sum + m.poller.stats.delivered + m.poller.stats.filtered + m.poller.stats.discarded, acknowledged);
  }

  /** The state machine whose name (local physical name) contains `namePart`. */
  stateMachine(namePart: string): LocalStateMachine {
    const found = this.stateMachines.find((m) => m.name.includes(namePart));
    if (!found) throw new Error(`no state machine whose name contains ${namePart}`);
    return found;
  }

  /**
   * Stops the pollers, the Step Functions and control-plane APIs and the emulators it started, destroys its
   * clients, and takes its variables out of `process.env` again.
   *
   * @example
   * try { await runtime.drain(); } finally { await runtime.stop(); }
   */
  async stop(): Promise<void> {
    await this.stopPollers();
    await this.release();
    for (const client of Object.values(this.clients)) (client as { destroy(): void }).destroy();
    await this.ownedEmulators?.stop();
  }
}
