import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DedupStore } from '../../../shared/dedup/store.ts';
import { ClaimInProgressError, ClaimLostError, ConfigurationError, TransactionConflictError } from '../../../shared/errors.ts';
import { ScriptedDynamoDb } from './scripted-dynamodb.ts';

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: item } : {}) } as never);
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  } as never);
const NOW = 1_700_000_000_123;
const clock = { now: () => NOW };

describe('DedupStore (error paths and request shape)', () => {
  it('claims with one conditional PutItem: lease in ms, expiresAt in epoch seconds', async () => {
    // Prepare
    const db = new ScriptedDynamoDb(() => ({}));
    const store = new DedupStore({ client: db.client, tableName: 'dedup', windowSeconds: 3_600, clock });
    // Act
    const claim = await store.claim('s#k', { leaseMs: 5_000 });
    // Assess
    expect(claim.status).toBe('claimed');
    expect(db.requests).toHaveLength(1);
    const input = db.requests[0]?.input as { Item: Record<string, { N?: string; S?: string }>; ReturnValuesOnConditionCheckFailure: string };
    expect(input.Item.leaseUntil?.N).toBe(String(NOW + 5_000));
    expect(input.Item.expiresAt?.N).toBe(String(Math.ceil(NOW / 1000) + 3_600));
    expect(input.Item.owner?.S).toBe(claim.status === 'claimed' ? claim.token : 'none');
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('reports a duplicate when the failed condition returns a COMPLETED record', async () => {
    // Prepare
    const db = new ScriptedDynamoDb(() => conditionFailed({ pk: { S: 's#k' }, status: { S: 'COMPLETED' }, completedAt: { N: '42' } }));
    const store = new DedupStore({ client: db.client, tableName: 'dedup', clock });
    // Act & Assess
    await expect(store.claim('s#k', { leaseMs: 1_000 })).resolves.toEqual({ status: 'duplicate', completedAt: 42 });
  });

  it('throws ClaimInProgressError when the record is IN_PROGRESS, and when no record came back', async () => {
    // Prepare
    const live = new ScriptedDynamoDb(() => conditionFailed({ status: { S: 'IN_PROGRESS' }, leaseUntil: { N: String(NOW + 1) } }));
    const vanished = new ScriptedDynamoDb(() => conditionFailed());
    // Act & Assess
    await expect(new DedupStore({ client: live.client, tableName: 't', clock }).claim('k', { leaseMs: 1 })).rejects.toThrow(ClaimInProgressError);
    await expect(new DedupStore({ client: vanished.client, tableName: 't', clock }).claim('k', { leaseMs: 1 })).rejects.toThrow(ClaimInProgressError);
  });

  it('rethrows errors that are not condition failures', async () => {
    // Prepare
    const throttled = new DynamoDBServiceException({ name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {} });
    const db = new ScriptedDynamoDb(() => throttled);
    // Act & Assess
    await expect(new DedupStore({ client: db.client, tableName: 't', clock }).claim('k', { leaseMs: 1 })).rejects.toBe(throttled);
  });

  it('turns a failed owner condition on complete and release into ClaimLostError', async () => {
    // Prepare
    const db = new ScriptedDynamoDb(() => conditionFailed());
    const store = new DedupStore({ client: db.client, tableName: 't', clock });
    // Act & Assess
    await expect(store.complete('k', 'token')).rejects.toThrow(ClaimLostError);
    await expect(store.release('k', 'token')).rejects.toThrow(ClaimLostError);
  });

  it('maps a cancelled transaction to ClaimLostError only when the dedup update (last item) failed its condition', async () => {
    // Prepare
    const lost = new ScriptedDynamoDb(() => cancelled(['None', 'ConditionalCheckFailed']));
    const effectFailed = cancelled(['ConditionalCheckFailed', 'None']);
    const effect = new ScriptedDynamoDb(() => effectFailed);
    const put = [{ Put: { TableName: 'orders', Item: { orderId: { S: 'o-1' } } } }];
    // Act & Assess
    await expect(new DedupStore({ client: lost.client, tableName: 't', clock }).completeWith('k', 'tok', put)).rejects.toThrow(ClaimLostError);
    await expect(new DedupStore({ client: effect.client, tableName: 't', clock }).completeWith('k', 'tok', put)).rejects.toBe(effectFailed);
  });

  it('commits effect and completion in one TransactWriteItems with the owner token as ClientRequestToken', async () => {
    // Prepare
    const db = new ScriptedDynamoDb(() => ({}));
    const store = new DedupStore({ client: db.client, tableName: 'dedup', clock });
    // Act
    await store.completeWith('s#k', 'tok-1', [{ Put: { TableName: 'orders', Item: { orderId: { S: 'o-1' } } } }]);
    // Assess
    expect(db.requests.map((r) => r.name)).toEqual(['TransactWriteItemsCommand']);
    const input = db.requests[0]?.input as { TransactItems: { Put?: unknown; Update?: { TableName: string } }[]; ClientRequestToken: string };
    expect(input.TransactItems).toHaveLength(2);
    expect(input.TransactItems[1]?.Update?.TableName).toBe('dedup');
    expect(input.ClientRequestToken).toBe('tok-1');
  });

  it('tells a busy effect row from a copy being committed when a transaction conflicts (issue 12, defect 6)', async () => {
    // Prepare
    const put = [{ Put: { TableName: 'orders', Item: { orderId: { S: 'o-1' } } } }];
    const busyRow = new ScriptedDynamoDb(() => cancelled(['TransactionConflict', 'None']));
    const sameKey = new ScriptedDynamoDb(() => cancelled(['None', 'TransactionConflict']));
    // Act
    const rowError = await new DedupStore({ client: busyRow.client, tableName: 't', clock }).commitOnce('k', put).catch((err: unknown) => err);
    const keyError = await new DedupStore({ client: sameKey.client, tableName: 't', clock }).commitOnce('k', put).catch((err: unknown) => err);
    // Assess
    expect(rowError).toBeInstanceOf(TransactionConflictError);
    expect(rowError).toMatchObject({ onDedupRecord: false, message: expect.stringContaining('busy row') });
    expect(keyError).toMatchObject({ onDedupRecord: true, message: expect.stringContaining('being committed by another invocation') });
  });

  it('treats a complete whose earlier attempt already completed the record under the same token as done', async () => {
    // Prepare: the first UpdateItem committed and its answer was lost; the retry's condition fails
    const done = new ScriptedDynamoDb(() => conditionFailed({ owner: { S: 'tok' }, status: { S: 'COMPLETED' } }));
    const takenOver = new ScriptedDynamoDb(() => conditionFailed({ owner: { S: 'other' }, status: { S: 'IN_PROGRESS' } }));
    // Act & Assess
    await expect(new DedupStore({ client: done.client, tableName: 't', clock }).complete('k', 'tok')).resolves.toBeUndefined();
    await expect(new DedupStore({ client: takenOver.client, tableName: 't', clock }).complete('k', 'tok')).rejects.toThrow(ClaimLostError);
    expect(done.requests[0]?.input).toMatchObject({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('refuses a window that is not a positive whole number of seconds', () => {
    const db = new ScriptedDynamoDb(() => ({}));
    expect(() => new DedupStore({ client: db.client, tableName: 't', windowSeconds: 0 })).toThrow(ConfigurationError);
  });
});
