import { stackStreams } from '../../../local/cli/targets/stack-resources.ts';
import { matchesPattern } from '../../../local/event-filter.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { streamConsumerEnv } from '../../../shared/stream/config.ts';
import { DEFAULT_MAX_PART_BYTES, STREAM_ENV, streamConsumerEnvironment, streamFilterPattern, streamOutputName } from '../../../shared/stream/contract.ts';

describe('the stream pipeline contract', () => {
  it('gives the consumer back exactly what the construct wired, through the environment', () => {
    // Prepare
    const wiring = {
      pipelineName: 'order-revenue',
      resultsTable: 'Sluice-OrderStreamResultsTable',
      failureQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/order-stream-failures',
    };
    // Act
    const env = streamConsumerEnvironment(wiring);
    const read = streamConsumerEnv(env);
    // Assess
    expect({ ...read }).toEqual({ ...wiring, maxPartBytes: DEFAULT_MAX_PART_BYTES });
    expect(Object.keys(env).every((name) => (Object.values(STREAM_ENV) as string[]).includes(name))).toBe(true);
  });

  it('reads each setting when asked for, naming a missing one', () => {
    // Prepare
    const env = { [STREAM_ENV.pipelineName]: 'clicks', [STREAM_ENV.maxPartBytes]: '1000' };
    // Act
    const read = streamConsumerEnv(env);
    // Assess
    expect(read.pipelineName).toBe('clicks');
    expect(read.maxPartBytes).toBe(1000);
    expect(() => read.resultsTable).toThrow(new ConfigurationError('environment variable SLUICE_RESULTS_TABLE is required'));
  });

  it('refuses a part size that is not an integer', () => {
    // Act
    const read = streamConsumerEnv({ [STREAM_ENV.maxPartBytes]: '300kb' });
    // Assess
    expect(() => read.maxPartBytes).toThrow(new ConfigurationError('environment variable SLUICE_MAX_PART_BYTES must be an integer, got "300kb"'));
  });

  it('names the outputs the CLI finds a stream by', () => {
    // Prepare
    const outputs = {
      [streamOutputName('OrderStream', 'streamName')]: 'sluice-order-stream',
      [streamOutputName('OrderStream', 'resultsTableName')]: 'sluice-order-results',
      [streamOutputName('OrderStream', 'failureQueueUrl')]: 'https://…/order-stream-failures',
      [streamOutputName('OrderStream', 'consumerName')]: 'sluice-order-consumer',
    };
    // Act
    const streams = stackStreams(outputs);
    // Assess
    expect(Object.keys(outputs)).toEqual(['OrderStreamStreamName', 'OrderStreamResultsTableName', 'OrderStreamFailureQueueUrl', 'OrderStreamConsumerName']);
    expect(streams).toEqual([{ name: 'OrderStream', streamName: 'sluice-order-stream' }]);
  });

  it('makes a data filter the pattern Lambda matches on the decoded record data', () => {
    // Prepare
    const pattern = streamFilterPattern({ type: ['order'] });
    // Act
    const order = matchesPattern(pattern, { partitionKey: 'k', data: { type: 'order' } });
    const cart = matchesPattern(pattern, { partitionKey: 'k', data: { type: 'cart' } });
    // Assess
    expect(JSON.stringify(pattern)).toBe('{"data":{"type":["order"]}}');
    expect([order, cart]).toEqual([true, false]);
  });
});
