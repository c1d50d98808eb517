import { fileURLToPath } from 'node:url';
import { App, CfnOutput, Duration, RemovalPolicy, Stack, type AppProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { Code, FilterCriteria, FilterRule, Function as LambdaFunction, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Map as MapState, Pass, StateMachine, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';

export const CONFORMANCE_STACK = 'SluiceConformance';

/** The tumbling window of the windowed stream mapping, in seconds. */
export const WINDOW_SECONDS = 5;

/**
 * The probe: one plain Node.js function (inline CommonJS, AWS SDK from the runtime) behind every event
 * source. It records each invocation (scenario, record ids, window, state, final flag) in the Observations
 * table and then does what each record asks: `act: 'fail'` reports the record in `batchItemFailures`,
 * `'empty'` adds an empty `itemIdentifier`, `'throw'` fails the invocation. Step Functions tasks
 * (`event.task`) fail transiently on their first attempt per item and permanently when `doomed`.
 */
const PROBE = `
const { randomUUID } = require('node:crypto');
const { DynamoDBClient, PutItemCommand, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
const table = process.env.OBSERVATIONS;
const named = (name, message) => Object.assign(new Error(message), { name });
const payloadOf = (r) => JSON.parse(r.body !== undefined ? r.body : Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
const idOf = (r) => (r.messageId !== undefined ? r.messageId : r.kinesis.sequenceNumber);
exports.handler = async (event) => {
  if (event.task) {
    const counted = await db.send(new UpdateItemCommand({
      TableName: table, Key: { pk: { S: 'task#' + event.run + '#' + event.task + '#' + event.item } },
      UpdateExpression: 'ADD attempts :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW',
    }));
    const attempts = Number(counted.Attributes.attempts.N);
    if (event.task === 'doomed') throw named('PermanentError', 'probe: doomed task');
    if (attempts < 2) throw named('TransientError', 'probe: first attempt of item ' + event.item);
    return { item: event.item, attempts };
  }
  const records = event.Records || [];
  const payloads = records.map(payloadOf);
  const scenario = payloads[0] ? payloads[0].scenario : (event.window ? 'window-close' : 'empty');
  await db.send(new PutItemCommand({ TableName: table, Item: {
    pk: { S: 'invocation#' + randomUUID() }, scenario: { S: String(scenario) }, at: { N: String(Date.now()) },
    ids: { S: JSON.stringify(payloads.map((p) => p.id)) }, window: { S: JSON.stringify(event.window || null) },
    final: { BOOL: event.isFinalInvokeForWindow === true }, state: { S: JSON.stringify(event.state || null) },
    shard: { S: String(event.shardId || '') },
  } }));
  if (payloads.some((p) => p.act === 'throw')) throw named('ProbeError', 'probe: asked to throw');
  const batchItemFailures = records.filter((r, i) => payloads[i].act === 'fail').map((r) => ({ itemIdentifier: idOf(r) }));
  if (payloads.some((p) => p.act === 'empty')) batchItemFailures.push({ itemIdentifier: '' });
  if (event.window) return { state: { seen: ((event.state && event.state.seen) || 0) + records.length }, batchItemFailures };
  return { batchItemFailures };
};
`;

/**
 * The conformance stack: the same probe function behind each AWS behaviour of docs/conformance.md that
 * both `sluice dev` and a LocalStack-compatible emulator run (test/localstack/conformance.test.ts).
 * Plain CDK, no sluice construct: the point is the AWS semantics, not sluice's defaults.
 *
 * @example
 * const runtime = await LocalRuntime.start({ app: { app: conformanceApp } });
 */
export function conformanceApp(props: AppProps = {}): App {
  const app = new App(props);
  const stack = new Stack(app, CONFORMANCE_STACK);
  const observations = new Table(stack, 'Observations', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const probe = new LambdaFunction(stack, 'Probe', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline(PROBE),
    timeout: Duration.seconds(10),
    environment: { OBSERVATIONS: observations.tableName },
  });
  observations.grantReadWriteData(probe);
  const output = (name: string, value: string) => new CfnOutput(stack, name, { value });
  output('ObservationsTableName', observations.tableName);

  // SQS: the queue's visibility timeout is at least the function's timeout (AWS refuses less); two receives, then the DLQ.
  const queueWithDlq = (id: string) => {
    const dlq = new Queue(stack, `${id}Dlq`, { enforceSSL: true });
    const queue = new Queue(stack, id, { visibilityTimeout: Duration.seconds(12), deadLetterQueue: { queue: dlq, maxReceiveCount: 2 }, enforceSSL: true });
    output(`${id}QueueUrl`, queue.queueUrl);
    output(`${id}DeadLetterQueueUrl`, dlq.queueUrl);
    return queue;
  };
  probe.addEventSource(new SqsEventSource(queueWithDlq('Partial'), { batchSize: 10, reportBatchItemFailures: true }));
  probe.addEventSource(new SqsEventSource(queueWithDlq('EmptyId'), { batchSize: 10, reportBatchItemFailures: true }));
  probe.addEventSource(new SqsEventSource(queueWithDlq('Throwing'), { batchSize: 10 }));
  probe.addEventSource(
    new SqsEventSource(queueWithDlq('Filtered'), { batchSize: 10, filters: [FilterCriteria.filter({ body: { kind: FilterRule.isEqual('keep') } })] }),
  );

  // Kinesis: one shard each, read from the start; failed batches end in the failure queue.
  const streamFailures = new Queue(stack, 'StreamFailures', { enforceSSL: true });
  output('StreamFailuresQueueUrl', streamFailures.queueUrl);
  const stream = (id: string) => {
    const s = new Stream(stack, id, { shardCount: 1, encryption: StreamEncryption.MANAGED, removalPolicy: RemovalPolicy.DESTROY });
    output(`${id}StreamName`, s.streamName);
    return s;
  };
  const fromStart = { startingPosition: StartingPosition.TRIM_HORIZON, batchSize: 10 } as const;
  probe.addEventSource(
    new KinesisEventSource(stream('PartialStream'), { ...fromStart, reportBatchItemFailures: true, retryAttempts: 1, onFailure: new SqsDlq(streamFailures) }),
  );
  probe.addEventSource(
    new KinesisEventSource(stream('BisectStream'), { ...fromStart, bisectBatchOnError: true, retryAttempts: 2, onFailure: new SqsDlq(streamFailures) }),
  );
  probe.addEventSource(new KinesisEventSource(stream('WindowStream'), { ...fromStart, tumblingWindow: Duration.seconds(WINDOW_SECONDS) }));
  probe.addEventSource(
    new KinesisEventSource(stream('FilteredStream'), { ...fromStart, filters: [FilterCriteria.filter({ data: { kind: FilterRule.isEqual('keep') } })] }),
  );

  // Step Functions: Map over items, each a Task retried on TransientError; then a Task whose PermanentError is caught.
  const mapped = new MapState(stack, 'EachItem', {
    itemsPath: '$.items',
    itemSelector: { 'item.$': '$$.Map.Item.Value', 'run.$': '$.run' },
    resultPath: '$.mapped',
  }).itemProcessor(
    new LambdaInvoke(stack, 'ItemTask', {
      lambdaFunction: probe,
      payload: TaskInput.fromObject({ 'task': 'item', 'item.$': '$.item', 'run.$': '$.run' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    }).addRetry({ errors: ['TransientError'], interval: Duration.seconds(1), maxAttempts: 2, backoffRate: 1 }),
  );
  const doomed = new LambdaInvoke(stack, 'DoomedTask', {
    lambdaFunction: probe,
    payload: TaskInput.fromObject({ 'task': 'doomed', 'item': 0, 'run.$': '$.run' }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath: '$.doomed',
  }).addCatch(new Pass(stack, 'Caught'), { errors: ['PermanentError'], resultPath: '$.caught' });
  const machine = new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(mapped.next(doomed)) });
  output('MachineArn', machine.stateMachineArn);
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  conformanceApp().synth();
}
