import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { resolveTarget } from '../../local/cli/targets/target.ts';
import { PROJECT_ROOT } from '../tools/python-tools.ts';
import { CONFORMANCE_STACK, conformanceApp } from './conformance-app.ts';
import { conformanceScenarios, type Side } from './conformance-scenarios.ts';
import { comparisonTable, knownDifference } from './conformance-table.ts';
import { localStackState } from './state.ts';

jest.setTimeout(600_000);

const state = localStackState()!;

/**
 * `sluice dev`'s side: the local runtime on its own npm emulators, with the template's timings (a compressed
 * visibility timeout would let a slow first invocation's messages come back before they are deleted).
 */
async function sluiceDevSide(): Promise<{ side: Side; stop: () => Promise<void> }> {
  const runtime = await LocalRuntime.start({ app: { app: conformanceApp } });
  const machine = runtime.stateMachine('Machine');
  return {
    side: {
      name: 'sluice dev',
      sqs: runtime.clients.sqs,
      kinesis: runtime.clients.kinesis!,
      dynamodb: runtime.clients.dynamodb,
      output: (name) => runtime.output(name),
      async runExecution(input) {
        const done = await machine.wait(await machine.start(input));
        return { status: done.status, output: done.output ? JSON.parse(done.output) : undefined, error: done.error, cause: done.cause };
      },
    },
    stop: () => runtime.stop(),
  };
}

/** The emulator's side: the deployed SluiceConformance stack, through plain AWS SDK clients at its endpoint. */
async function emulatorSide(): Promise<{ side: Side; stop: () => Promise<void> }> {
  const target = await resolveTarget({ target: 'localstack', stack: CONFORMANCE_STACK }, { ...process.env });
  target.close();
  const outputs = target.outputs;
  const config = { region: 'us-east-1', endpoint: state.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sqs = new SQSClient(config);
  const kinesis = new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
  const dynamodb = new DynamoDBClient(config);
  const sfn = new SFNClient(config);
  return {
    side: {
      name: state.emulator,
      sqs,
      kinesis,
      dynamodb,
      output: (name) => {
        const value = outputs[name];
        if (value === undefined) throw new Error(`${CONFORMANCE_STACK} has no output ${name}`);
        return value;
      },
      async runExecution(input) {
        const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: outputs.MachineArn, input: JSON.stringify(input) }));
        for (;;) {
          const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          if (d.status !== 'RUNNING') return { status: d.status!, output: d.output ? JSON.parse(d.output) : undefined, error: d.error, cause: d.cause };
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      },
    },
    stop: async () => {
      for (const client of [sqs, kinesis, dynamodb, sfn]) client.destroy();
    },
  };
}

describe(`conformance: the AWS behaviours of docs/conformance.md on \`sluice dev\` and on ${state.emulator}`, () => {
  const scenarios = conformanceScenarios();
  const results = new Map<string, { sluice: string; emulator: string }>();

  beforeAll(async () => {
    const [local, emulator] = await Promise.all([sluiceDevSide(), emulatorSide()]);
    try {
      // Every scenario on both sides at once: each has its own queue or stream; the slowest decides the time.
      const deadline = Date.now() + 120_000;
      await Promise.all(
        scenarios.map(async (scenario) => {
          const [sluice, emulated] = await Promise.all([scenario.observe(local.side, deadline), scenario.observe(emulator.side, deadline)]);
          results.set(scenario.id, { sluice, emulator: emulated });
        }),
      );
    } finally {
      await Promise.all([local.stop(), emulator.stop()]);
    }
    const table = comparisonTable(state.emulator, scenarios.map((scenario) => ({ scenario, ...results.get(scenario.id)! })));
    writeFileSync(join(PROJECT_ROOT, '.sluice/localstack/conformance-table.md'), `${table}\n`);
    console.log(table);
  });

  it.each(conformanceScenarios().map((s, i) => [s.behaviour, i] as const))('%s', (_behaviour, index) => {
    // Prepare
    const scenario = scenarios[index]!;
    const known = knownDifference(scenario);

    // Act
    const { sluice, emulator } = results.get(scenario.id)!;

    // Assess: sluice dev does what AWS documents; the emulator does what the table says it does.
    expect(sluice).toBe(scenario.aws);
    expect(emulator).toBe(known?.observed ?? scenario.aws);
  });

  it('docs/conformance.md holds this comparison, row for row', () => {
    // Prepare
    const docs = readFileSync(join(PROJECT_ROOT, 'docs/conformance.md'), 'utf8');

    // Act
    const table = comparisonTable(state.emulator, scenarios.map((scenario) => ({ scenario, ...results.get(scenario.id)! })));

    // Assess
    expect(docs).toContain(table);
  });
});
