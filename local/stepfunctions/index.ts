/**
 * The local Step Functions runner: state machines of the synthesized template run in-process with
 * aws-local-stepfunctions, Task states bound to local functions, Distributed Map features (ItemReader,
 * ItemBatcher, ResultWriter, tolerated failures) resolved here, and an AWS JSON 1.0 API for SFNClient.
 *
 * @example
 * const machines = createTemplateStateMachines({ resources, resolver, functions, s3, dynamodb });
 * const api = await startStepFunctionsApi(machines); // AWS_ENDPOINT_URL_SFN = api.endpoint
 */
export { createLocalStateMachine, StatesApiError } from './state-machine.ts';
export type { ExecutionDescription, ExecutionHistoryEvent, ExecutionStatus, LocalStateMachine, LocalStateMachineOptions, StateMachineEvent } from './state-machine.ts';
export { createTemplateStateMachines } from './from-template.ts';
export type { TemplateStateMachinesOptions } from './from-template.ts';
export { startStepFunctionsApi } from './api-server.ts';
