import { randomUUID } from 'node:crypto';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { createKinesisPoller, type KinesisMappingProperties, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import type { LocalResource } from '../../local/runtime/resources.ts';
import { LOCAL_ACCOUNT_ID, LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { sampleTemplate } from './sample-app.ts';
import { TemplateResolver } from '../../local/template/resolver.ts';
import { ShiftedClock } from './kinesis-fixtures.ts';

/**
 * The sample stack on the local runtime over the shared test emulators, without pollers: a test drives
 * its Kinesis mapping with {@link startTemplateStreamPoller}.
 *
 * @example
 * const runtime = await startSampleRuntime('s');
 */
export async function startSampleRuntime(prefix: string): Promise<LocalRuntime> {
  return LocalRuntime.start({
    template: await sampleTemplate(),
    endpoints: endpointsFromEnvironment()!,
    namePrefix: `${prefix}${randomUUID().slice(0, 6)}-`,
    pollers: false,
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
}

/**
 * Starts a poller for the template's Kinesis event source mapping (its resolved properties, its stream, its
 * consumer) on a clock the test moves forward, so windows close without waiting.
 *
 * @example
 * const { poller, stream, clock } = startTemplateStreamPoller(runtime);
 * clock.advance(3_600_000);
 */
export function startTemplateStreamPoller(runtime: LocalRuntime): {
  mapping: KinesisMappingProperties & { FunctionName: string };
  stream: LocalResource;
  poller: KinesisPoller;
  clock: ShiftedClock;
} {
  const resolver = new TemplateResolver({ region: runtime.region, accountId: LOCAL_ACCOUNT_ID, stackName: 'local', identityOf: (id) => runtime.resources.get(id) });
  const mapping = runtime.resources
    .ofType('AWS::Lambda::EventSourceMapping')
    .map((esm) => resolver.resolve(esm.definition.Properties ?? {}) as KinesisMappingProperties & { FunctionName: string })
    .find((props) => runtime.resources.byArn(props.EventSourceArn)?.type === 'AWS::Kinesis::Stream')!;
  const stream = runtime.resources.byArn(mapping.EventSourceArn)!;
  const fn = [...runtime.functions.values()].find((f) => f.functionName === mapping.FunctionName || f.arn === mapping.FunctionName)!;
  const clock = new ShiftedClock();
  const poller = createKinesisPoller({
    mapping,
    fn,
    streamName: stream.physicalName,
    kinesis: runtime.clients.kinesis!,
    sqs: runtime.clients.sqs,
    queueUrlForArn: (arn) => runtime.resources.byArn(arn)!.ref,
    clock,
  });
  poller.start();
  return { mapping, stream, poller, clock };
}
