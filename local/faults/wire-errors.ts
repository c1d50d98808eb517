/** The AWS service behind a fault proxy: decides the wire shape of the errors it answers with. */
export type ProxiedService = 'dynamodb' | 'sqs' | 'kinesis';

/** An HTTP answer the proxy sends instead of (or in place of) the emulator's. */
export interface WireError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const CONTENT_TYPE: Record<ProxiedService, string> = {
  dynamodb: 'application/x-amz-json-1.0',
  sqs: 'application/x-amz-json-1.0',
  kinesis: 'application/x-amz-json-1.1',
};

/**
 * The throttling error each service really returns (AWS JSON protocol), so the SDK classifies and
 * retries it as it does on AWS. DynamoDB answers either `ProvisionedThroughputExceededException` or,
 * for on-demand tables and control-plane calls, `ThrottlingException`; `variant` picks one.
 *
 * @example
 * const { status, headers, body } = throttlingError('dynamodb', 0);
 */
export function throttlingError(service: ProxiedService, variant: number): WireError {
  const headers = { 'content-type': CONTENT_TYPE[service] };
  switch (service) {
    case 'dynamodb':
      return variant % 2 === 0
        ? json(400, headers, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.')
        : json(400, headers, 'com.amazon.coral.availability#ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
    case 'sqs':
      // SQS's JSON protocol also names the query-protocol code in this header; the SDK reads either.
      return json(400, { ...headers, 'x-amzn-query-error': 'RequestThrottled;Sender' }, 'com.amazonaws.sqs#RequestThrottled', 'Request is throttled.');
    case 'kinesis':
      return json(400, headers, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard in stream.');
  }
}

/**
 * A 500 internal error: what a client sees when the service did the work but the answer was lost
 * (the SDK retries it as a transient error).
 *
 * @example
 * const { status } = internalError('sqs'); // 500
 */
export function internalError(service: ProxiedService): WireError {
  return json(500, { 'content-type': CONTENT_TYPE[service] }, service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810#InternalServerError' : 'InternalFailure', 'We encountered an internal error. Please try again.');
}

function json(status: number, headers: Record<string, string>, type: string, message: string): WireError {
  return { status, headers, body: JSON.stringify({ __type: type, message }) };
}
