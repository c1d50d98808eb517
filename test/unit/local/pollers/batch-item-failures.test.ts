import { readBatchItemFailures } from '../../../../local/pollers/batch-item-failures.ts';

const batch = new Set(['m1', 'm2', 'm3']);

describe('readBatchItemFailures (Lambda ReportBatchItemFailures rules)', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
  ])('treats %s as complete success', (_, response) => {
    // Act
    const outcome = readBatchItemFailures(response, batch);
    // Assess
    expect(outcome).toEqual({ wholeBatchFailed: false, failedIds: new Set() });
  });

  it('fails only the listed records', () => {
    // Act
    const outcome = readBatchItemFailures({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, batch);
    // Assess
    expect(outcome.wholeBatchFailed).toBe(false);
    expect([...outcome.failedIds]).toEqual(['m2']);
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing itemIdentifier', { batchItemFailures: [{}] }],
    ['a null itemIdentifier (Kinesis page)', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['an itemIdentifier under a bad key name (Kinesis page)', { batchItemFailures: [{ itemIdentifer: 'm1' }] }],
    ['an itemIdentifier of another batch', { batchItemFailures: [{ itemIdentifier: 'elsewhere' }] }],
    ['a list that is not a list', { batchItemFailures: 'm1' }],
    ['a response that is not an object', 'oops'],
  ])('fails the whole batch on %s', (_, response) => {
    // Act
    const outcome = readBatchItemFailures(response, batch);
    // Assess
    expect(outcome.wholeBatchFailed).toBe(true);
  });
});
