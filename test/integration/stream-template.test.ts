import type { KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import type { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { StreamProducer } from '../../shared/stream/producer.ts';
import { streamOutputName } from '../../shared/stream/contract.ts';
import { totalsByWindow } from '../../shared/stream/window-results.ts';
import { eventually, readWholeStream, scanResults } from '../helpers/kinesis-fixtures.ts';
import { expectedRevenueByWindow, generateOrderTraffic } from '../helpers/kinesis-order-stream.ts';
import { startSampleRuntime, startTemplateStreamPoller } from '../helpers/template-stream-poller.ts';

/**
 * The sample stack's OrderStream section as synthesized: the stream, results table and failure queue the
 * runtime provisions from the template, the consumer loaded from its `sluice:entry` with its resolved
 * environment, and the Kinesis event source mapping's resolved properties driving the poller.
 */
describe('OrderStream of the synthesized sample stack, run locally', () => {
  let runtime: LocalRuntime;
  let poller: KinesisPoller | undefined;

  beforeAll(async () => {
    runtime = await startSampleRuntime('s');
  });

  afterAll(async () => {
    await poller?.stop();
    await runtime?.stop();
  });

  it('aggregates order revenue per category per minute from the template-defined mapping', async () => {
    // Prepare
    const started = startTemplateStreamPoller(runtime);
    const { mapping, stream, clock } = started;
    poller = started.poller;
    // Act
    await new StreamProducer({ client: runtime.clients.kinesis!, streamName: stream.physicalName }).sendBatch(generateOrderTraffic(1_000, 11));
    clock.advance(3_600_000);
    await eventually(() => poller!.idle(), 240_000, 'the order stream to drain');
    // Assess
    const results = await scanResults(runtime.clients.dynamodb, runtime.output(streamOutputName('OrderStream', 'resultsTableName')));
    const streamRecords = await readWholeStream(runtime.clients.kinesis!, stream.physicalName);
    expect(mapping).toMatchObject({ TumblingWindowInSeconds: 60, BisectBatchOnFunctionError: true, BatchSize: 500 });
    expect(results.every((r) => r.pipeline === 'order-revenue')).toBe(true);
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(streamRecords, 60)));
  });
});
