/**
 * The stack outputs sluice's constructs add, as `<construct id><suffix>`: the constructs write them, and
 * the CLI and the local runtime find queues, streams and jobs by them on every target.
 *
 * @example
 * `Orders${OUTPUT_SUFFIXES.queueUrl}`; // 'OrdersQueueUrl'
 */
export const OUTPUT_SUFFIXES = {
  queueUrl: 'QueueUrl',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  consumerName: 'ConsumerName',
  /** A queue pipeline's dedup window in seconds (`sluice dlq replay` refuses older dead letters). */
  dedupWindowSeconds: 'DedupWindowSeconds',
  streamName: 'StreamName',
  resultsTableName: 'ResultsTableName',
  failureQueueUrl: 'FailureQueueUrl',
  bucketName: 'BucketName',
  stateMachineArn: 'StateMachineArn',
  summaryTableName: 'SummaryTableName',
  requestQueueUrl: 'RequestQueueUrl',
  requestDeadLetterQueueUrl: 'RequestDeadLetterQueueUrl',
  /** A batch job's request queue dedup window: read as the `<id>Request` queue's `DedupWindowSeconds`. */
  requestDedupWindowSeconds: 'RequestDedupWindowSeconds',
} as const;

/**
 * Resource metadata naming the output a resource's `Ref` stands for, written whether or not the app
 * calls `addOutputs()`: the local runtime offers these names for resources the template has no output for.
 */
export const OUTPUT_METADATA_KEY = 'sluice:output';
