import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK_HOST, endpointUrl } from '../emulators/listen-host.ts';
import { StatesApiError, type ExecutionDescription, type ExecutionStatus, type LocalStateMachine } from './state-machine.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Timestamps travel as epoch seconds in the AWS JSON protocols. */
const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

function executionJson(d: ExecutionDescription) {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    input: d.input,
    output: d.output,
    error: d.error,
    cause: d.cause,
    startDate: seconds(d.startDate),
    stopDate: seconds(d.stopDate),
  };
}

type Operation = (body: Record<string, unknown>, machines: readonly LocalStateMachine[]) => Promise<unknown> | unknown;

function machineOf(machines: readonly LocalStateMachine[], arn: unknown): LocalStateMachine {
  const machine = machines.find((m) => m.arn === arn);
  if (!machine) throw new StatesApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
  return machine;
}

function machineOfExecution(machines: readonly LocalStateMachine[], executionArn: unknown): LocalStateMachine {
  const arn = String(executionArn);
  const machine = machines.find((m) => arn.startsWith(`${m.arn.replace(':stateMachine:', ':execution:')}:`));
  if (!machine) throw new StatesApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return machine;
}

const operations: Record<string, Operation> = {
  async StartExecution(body, machines) {
    const machine = machineOf(machines, body.stateMachineArn);
    let input: unknown;
    try {
      input = typeof body.input === 'string' ? JSON.parse(body.input) : {};
    } catch {
      throw new StatesApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
    }
    const executionArn = await machine.start(input, typeof body.name === 'string' ? body.name : undefined);
    return { executionArn, startDate: seconds(machine.describe(executionArn).startDate) };
  },
  DescribeExecution: (body, machines) => executionJson(machineOfExecution(machines, body.executionArn).describe(String(body.executionArn))),
  ListExecutions: (body, machines) => ({
    executions: machineOf(machines, body.stateMachineArn)
      .list(body.statusFilter as ExecutionStatus | undefined)
      .map((d) => ({ executionArn: d.executionArn, stateMachineArn: d.stateMachineArn, name: d.name, status: d.status, startDate: seconds(d.startDate), stopDate: seconds(d.stopDate) })),
  }),
  ListStateMachines: (_body, machines) => ({
    stateMachines: machines.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: 0 })),
  }),
};

/**
 * Serves the local state machines over the Step Functions API (AWS JSON 1.0: `X-Amz-Target:
 * AWSStepFunctions.<Operation>`): StartExecution, DescribeExecution, ListExecutions and
 * ListStateMachines, on loopback unless `host` says otherwise, so an `SFNClient` pointed at it with `AWS_ENDPOINT_URL_SFN` (the starter
 * function, the CLI, a test) works unchanged. Errors carry `__type` as the SDK expects.
 *
 * @example
 * const api = await startStepFunctionsApi([machine]);
 * const sfn = new SFNClient({ endpoint: api.endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
 * await api.stop();
 */
export async function startStepFunctionsApi(
  machines: readonly LocalStateMachine[],
  options: { port?: number; host?: string } = {},
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const host = options.host ?? LOOPBACK_HOST;
  const server = createServer((req, res) => void handle(req, res, machines));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: endpointUrl(host, port),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, machines: readonly LocalStateMachine[]): Promise<void> {
  const send = (status: number, payload: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': CONTENT_TYPE, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(payload));
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.replace(/^AWSStepFunctions\./, '');
    // The header is the client's: `AWSStepFunctions.constructor` names no operation.
    const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!target.startsWith('AWSStepFunctions.') || !operation) {
      send(400, { __type: 'UnknownOperationException', message: `operation ${target || '(none)'} is not supported locally` }, 'UnknownOperationException');
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    send(200, await operation(raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>), machines));
  } catch (err) {
    if (err instanceof StatesApiError) send(400, { __type: err.type, message: err.message }, err.type);
    else send(500, { __type: 'InternalFailure', message: (err as Error).message }, 'InternalFailure');
  }
}
