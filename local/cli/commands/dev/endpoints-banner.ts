import { emulatorEnvironment } from '../../../emulators/environment.ts';
import type { DevState } from '../../targets/dev-state.ts';
import { EXAMPLE_SEND } from '../example-send.ts';
import { formatTable } from '../../table.ts';

/**
 * What `sluice dev` prints once ready: shell exports that point the AWS CLI and SDKs at the emulators,
 * the resolved stack outputs, the console's address and token, and commands to try.
 *
 * @example
 * console.log(endpointsBanner(state, '.sluice/dev.json'));
 */
export function endpointsBanner(state: DevState, stateFile: string, devConsole?: { url: string; token: string }): string {
  const env = emulatorEnvironment(state.endpoints, state.region);
  const exports = Object.entries(env).map(([name, value]) => `  export ${name}=${value}`);
  const outputs = formatTable([['stack output', 'local value'], ...Object.entries(state.outputs).sort(([a], [b]) => a.localeCompare(b))], { right: [] })
    .split('\n')
    .map((line) => `  ${line}`);
  return [
    'endpoints (paste into a shell for the AWS CLI / SDKs):',
    ...exports,
    '',
    ...outputs,
    '',
    ...(devConsole
      ? [
          `console: ${devConsole.url} (read-only; replaying dead letters from it asks for this token)`,
          `console token: ${devConsole.token}`,
        ]
      : []),
    `state file: ${stateFile} (other sluice commands find this runtime through it)`,
    `try: ${EXAMPLE_SEND}`,
    '     sluice status · sluice dlq list Orders · aws sqs list-queues',
    'Ctrl-C stops the runtime and every emulator.',
  ].join('\n');
}
