import { randomUUID } from 'node:crypto';
import { createKinesisPoller, type KinesisMappingProperties, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { LOCAL_ACCOUNT_ID, LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { sampleTemplate } from '../helpers/sample-app.ts';
import { TemplateResolver } from '../../local/template/resolver.ts';
import { putRecords } from '../../shared/stream/producer.ts';
import { totalsByWindow } from '../../shared/stream/window-results.ts';
import { eventually, readWholeStream, scanResults, ShiftedClock } from '../helpers/kinesis-fixtures.ts';
import { expectedRevenueByWindow, generateOrderTraffic } from '../helpers/kinesis-order-stream.ts';

/**
 * The sample stack's OrderStream section as synthesized: the stream, results table and failure queue the
 * runtime provisions from the template, the consumer loaded from its `sluice:entry` with its resolved
 * environment, and the Kinesis event source mapping's resolved properties driving the poller.
 */
describe('OrderStream of the synthesized sample stack, run locally', () => {
  let runtime: LocalRuntime;
  let poller: KinesisPoller | undefined;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      template: await sampleTemplate(),
      endpoints: endpointsFromEnvironment()!,
      namePrefix: `s${randomUUID().slice(0, 6)}-`,
      pollers: false,
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
  }, 60_000);

  afterAll(async () => {
    await poller?.stop();
    await runtime?.stop();
  });

  it('aggregates order revenue per category per minute from the template-defined mapping', async () => {
    // Prepare
    const resolver = new TemplateResolver({ region: runtime.region, accountId: LOCAL_ACCOUNT_ID, stackName: 'local', identityOf: (id) => runtime.resources.get(id) });
    const mapping = runtime.resources
      .ofType('AWS::Lambda::EventSourceMapping')
      .map((esm) => resolver.resolve(esm.definition.Properties ?? {}) as KinesisMappingProperties & { FunctionName: string })
      .find((props) => runtime.resources.byArn(props.EventSourceArn)?.type === 'AWS::Kinesis::Stream')!;
    const stream = runtime.resources.byArn(mapping.EventSourceArn)!;
    const fn = [...runtime.functions.values()].find((f) => f.functionName === mapping.FunctionName || f.arn === mapping.FunctionName)!;
    const clock = new ShiftedClock();
    poller = createKinesisPoller({
      mapping,
      fn,
      streamName: stream.physicalName,
      kinesis: runtime.clients.kinesis!,
      sqs: runtime.clients.sqs,
      queueUrlForArn: (arn) => runtime.resources.byArn(arn)!.ref,
      clock,
    });
    poller.start();
    // Act
    await putRecords(runtime.clients.kinesis!, stream.physicalName, generateOrderTraffic(1_000, 11));
    clock.advance(3_600_000);
    await eventually(() => poller!.idle(), 60_000, 'the order stream to drain');
    // Assess
    const results = await scanResults(runtime.clients.dynamodb, runtime.output('OrderStreamResultsTableName'));
    const streamRecords = await readWholeStream(runtime.clients.kinesis!, stream.physicalName);
    expect(mapping).toMatchObject({ TumblingWindowInSeconds: 60, BisectBatchOnFunctionError: true, BatchSize: 500 });
    expect(results.every((r) => r.pipeline === 'order-revenue')).toBe(true);
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(streamRecords, 60)));
  }, 90_000);
});
