import { fileURLToPath } from 'node:url';
import { App, Duration, Stack, type AppProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';

export const PLAIN_STACK = 'PlainApp';

/**
 * An app with no sluice construct at all, as many teams have: a plain `NodejsFunction` (CommonJS bundle,
 * AWS SDK external) consuming a queue, an inline Node.js function and a Python function.
 *
 * @example
 * const runtime = await LocalRuntime.start({ app: { app: plainApp } });
 */
export function plainApp(props: AppProps = {}): App {
  const app = new App(props);
  const stack = new Stack(app, PLAIN_STACK);
  const table = new Table(stack, 'Records', { partitionKey: { name: 'pk', type: AttributeType.STRING }, billingMode: BillingMode.PAY_PER_REQUEST });
  const queue = new Queue(stack, 'Work', { visibilityTimeout: Duration.seconds(30) });
  const recorder = new NodejsFunction(stack, 'PlainRecorder', {
    entry: fileURLToPath(new URL('./functions/recording-handler.ts', import.meta.url)),
    runtime: Runtime.NODEJS_22_X,
    environment: { RECORD_TABLE: table.tableName },
    timeout: Duration.seconds(10),
  });
  recorder.addEventSource(new SqsEventSource(queue, { batchSize: 5, reportBatchItemFailures: true }));
  table.grantReadWriteData(recorder);
  new LambdaFunction(stack, 'InlineEcho', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async (event) => ({ echoed: event });'),
  });
  new LambdaFunction(stack, 'PythonHello', {
    runtime: Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: Code.fromInline('def handler(event, context):\n    return "hello"\n'),
  });
  return app;
}
