import type { WireLatency } from '../local/faults/latency.ts';

/** Where a figure comes from: what was measured or published, by whom, and when. */
export interface Source {
  readonly what: string;
  readonly url: string;
  readonly date: string;
}

/**
 * Request latencies the latency-true runs inject, with their sources. DynamoDB: the only published
 * per-operation percentiles we found, measured from Lambda in the same region, in which a transaction
 * takes about three times a PutItem; we use the PutItem figures for every single-item call (GetItem,
 * UpdateItem, DeleteItem: none of them measured there) and the 5-item transaction figures for every
 * TransactWriteItems (25 items took only 27 % longer there). SQS: one published median; its p99 is ours.
 */
export const AWS_LATENCY: { dynamodb: WireLatency; sqs: WireLatency; sources: readonly Source[] } = {
  dynamodb: {
    byOperation: { TransactWriteItems: { p50Ms: 25.3, p99Ms: 92.5 } },
    default: { p50Ms: 7.55, p99Ms: 16.2 },
  },
  sqs: { default: { p50Ms: 16, p99Ms: 48 } },
  sources: [
    {
      what: 'DynamoDB from Lambda, 400 calls each: PutItem p50 7.55 ms / p99 16.2 ms; TransactWriteItems (5 items) p50 25.3 / p99 92.5 ms, (5 items, one failing) 25.3 / 84.9 ms, (25 items) 32.1 / 97.5 ms (Alex DeBrie, "DynamoDB Transactions Performance Testing")',
      url: 'https://github.com/alexdebrie/dynamodb-performance-testing (results; write-up at https://www.alexdebrie.com/posts/dynamodb-transactions-performance/)',
      date: '2020 (results chart uploaded February 2020)',
    },
    {
      what: 'SQS: 16 ms to send a 1 KB message from EC2 in us-east-1 (Amazon\'s results, in the revision note of Uddin, He, Sion, "Cloud Performance Benchmark Series: Amazon SQS"); p99 = 3 × p50 is our assumption (no published percentile found)',
      url: 'https://paperzz.com/doc/8847683/cloud-performance-benchmark-series',
      date: 'July 2012',
    },
  ],
};

/** On-demand prices in us-east-1, per unit, with their sources. */
export const AWS_PRICES = {
  /** DynamoDB on-demand, per write request unit (1 KB standard write; 2 per 1 KB item in a transaction). */
  writeRequestUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, per read request unit (a 4 KB strongly consistent read; 0.5 for eventually consistent). */
  readRequestUnit: 0.125 / 1e6,
  /** Lambda arm64 duration, per GB-second (first 7.5 billion GB-s a month). */
  lambdaArmGbSecond: 0.000_013_333_4,
  /** Lambda requests (invocations). */
  lambdaRequest: 0.2 / 1e6,
  /** SQS standard queue requests (each 64 KB chunk of a payload is one request), after the free million. */
  sqsRequest: 0.4 / 1e6,
  sources: [
    {
      what: 'DynamoDB on demand, us-east-1: $0.625 per million write request units, $0.125 per million read request units (after the 50 % cut of November 2024); a transactional write takes 2 write request units per 1 KB item (AWS pricing page)',
      url: 'https://airbyte.com/data-engineering-resources/dynamodb-pricing ; https://aws.amazon.com/dynamodb/pricing/on-demand/',
      date: 'July 21, 2025 (article); November 1, 2024 (price change)',
    },
    {
      what: 'Lambda, us-east-1: arm64 $0.0000133334 per GB-second, $0.20 per million requests; billed per 1 ms',
      url: 'https://cloudchipr.com/blog/aws-lambda-pricing',
      date: '2024',
    },
    {
      what: 'SQS standard queues, us-east-1: $0.40 per million requests (first 100 billion a month), each 64 KB chunk a request',
      url: 'https://cloudburn.io/blog/amazon-sqs-pricing',
      date: 'March 14, 2026',
    },
  ] as readonly Source[],
};
