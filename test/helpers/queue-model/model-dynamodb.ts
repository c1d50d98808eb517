import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
type Values = Record<string, AttributeValue>;
type Names = Record<string, string>;

/** What a fault hook decides for one request: fail before it applies, apply and lose the answer, or cancel with a conflict. */
export type DynamoFault = 'throttle' | 'lost' | 'conflict' | undefined;

/**
 * An in-memory DynamoDB for the model test of the queue worker: the four requests DedupStore sends
 * (PutItem, UpdateItem, DeleteItem, TransactWriteItems) with DynamoDB's semantics for them —
 * conditions checked and applied atomically, `ReturnValuesOnConditionCheckFailure: ALL_OLD`, a
 * transaction all-or-nothing with per-item CancellationReasons, TTL that deletes lazily — plus the
 * effect's `ADD`. Its conditions are the exact expressions the store writes; any other expression
 * throws, so a change in the store cannot pass unseen. DynamoDB Local proves the same state machine
 * on the wire (test/integration/dedup-store.test.ts); this one runs thousands of histories a second.
 */
export class ModelDynamoDb {
  readonly tables = new Map<string, Map<string, Item>>();
  /** Decides a fault per request; `before` runs first (the model's crash and clock hook). */
  fault: (operation: string, input: Record<string, unknown>) => DynamoFault = () => undefined;
  before: (operation: string, input: Record<string, unknown>) => void = () => undefined;
  after: (operation: string, input: Record<string, unknown>) => void = () => undefined;

  constructor(private readonly now: () => number) {}

  get client(): DynamoDBClient {
    return this as unknown as DynamoDBClient;
  }

  table(name: string): Map<string, Item> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map()));
    return table;
  }

  /** TTL: deletes items past `expiresAt` (epoch seconds); DynamoDB does this lazily, hours to days later. */
  sweepExpired(chance: () => boolean): void {
    const nowSeconds = this.now() / 1000;
    for (const table of this.tables.values()) {
      for (const [key, item] of table) if (Number(item.expiresAt?.N) < nowSeconds && chance()) table.delete(key);
    }
  }

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<Record<string, unknown>> {
    const operation = command.constructor.name.replace(/Command$/, '');
    const input = structuredClone(command.input);
    this.before(operation, input);
    const fault = this.fault(operation, input);
    if (fault === 'throttle') {
      throw new DynamoDBServiceException({ name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {}, message: 'throttled' });
    }
    if (fault === 'conflict' && operation === 'TransactWriteItems') {
      const items = input.TransactItems as unknown[];
      throw cancelled(items.map((_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })));
    }
    const result = this.#apply(operation, input);
    this.after(operation, input);
    if (fault === 'lost') throw Object.assign(new Error('socket hang up (the request was applied)'), { name: 'TimeoutError' });
    return result;
  }

  #apply(operation: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem': {
        const write = { [operation.replace('Item', '')]: input } as WriteRequest;
        const failure = this.#check(write);
        if (failure) {
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
            ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && failure.old ? { Item: failure.old } : {}),
          });
        }
        this.#write(write);
        return {};
      }
      case 'TransactWriteItems': {
        const writes = input.TransactItems as WriteRequest[];
        const failures = writes.map((write) => this.#check(write));
        if (failures.some(Boolean)) {
          throw cancelled(
            failures.map((failure, i) =>
              failure
                ? { Code: 'ConditionalCheckFailed', ...(requestOf(writes[i]!).ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && failure.old ? { Item: failure.old } : {}) }
                : { Code: 'None' },
            ),
          );
        }
        for (const write of writes) this.#write(write);
        return {};
      }
      default:
        throw new Error(`model DynamoDB: ${operation} is not modelled`);
    }
  }

  /** The item as it stands, and whether the request's condition holds on it. */
  #check(write: WriteRequest): { old?: Item } | undefined {
    const request = requestOf(write);
    const table = this.table(request.TableName);
    const old = table.get(keyOf(request));
    if (!request.ConditionExpression) return undefined;
    const holds = condition(request.ConditionExpression)(old, request.ExpressionAttributeNames ?? {}, request.ExpressionAttributeValues ?? {});
    return holds ? undefined : { ...(old ? { old: structuredClone(old) } : {}) };
  }

  #write(write: WriteRequest): void {
    const request = requestOf(write);
    const table = this.table(request.TableName);
    const key = keyOf(request);
    if (write.Put) table.set(key, structuredClone(write.Put.Item));
    else if (write.Delete) table.delete(key);
    else if (write.Update) table.set(key, update(write.Update, table.get(key)));
  }
}

interface Request {
  TableName: string;
  Key?: Item;
  Item?: Item;
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Values;
  ReturnValuesOnConditionCheckFailure?: string;
}
interface WriteRequest {
  Put?: Request & { Item: Item };
  Update?: Request & { Key: Item; UpdateExpression: string };
  Delete?: Request & { Key: Item };
  ConditionCheck?: Request;
}

function requestOf(write: WriteRequest): Request {
  const request = write.Put ?? write.Update ?? write.Delete ?? write.ConditionCheck;
  if (!request) throw new Error('model DynamoDB: empty transaction item');
  return request;
}

/** Every table of the model has a single string partition key: the first attribute of Key (or `pk` / `id` of Item). */
function keyOf(request: Request): string {
  const key = request.Key ?? { pk: request.Item?.pk ?? request.Item?.id ?? { S: '' } };
  const [value] = Object.values(key);
  if (value?.S === undefined) throw new Error('model DynamoDB: only string keys are modelled');
  return value.S;
}

const num = (value: AttributeValue | undefined): number => Number(value?.N);

/** The store's condition expressions, evaluated on an item (or its absence). */
function condition(expression: string): (item: Item | undefined, names: Names, values: Values) => boolean {
  switch (expression) {
    case 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now) OR expiresAt < :nowSec':
      return (item, names, values) =>
        item === undefined ||
        (item[names['#status']!]?.S === values[':inProgress']?.S && num(item.leaseUntil) < num(values[':now'])) ||
        num(item.expiresAt) < num(values[':nowSec']);
    case '#owner = :token AND #status = :inProgress':
      return (item, names, values) =>
        item !== undefined && item[names['#owner']!]?.S === values[':token']?.S && item[names['#status']!]?.S === values[':inProgress']?.S;
    default:
      throw new Error(`model DynamoDB: condition not modelled: ${expression}`);
  }
}

/** The store's completion and the model effect's counter. */
function update(request: Request & { UpdateExpression: string }, old: Item | undefined): Item {
  const item: Item = structuredClone(old ?? { ...request.Key });
  const names = request.ExpressionAttributeNames ?? {};
  const values = request.ExpressionAttributeValues ?? {};
  switch (request.UpdateExpression) {
    case 'SET #status = :completed, completedAt = :now, expiresAt = :expiresAt REMOVE leaseUntil':
      item[names['#status']!] = values[':completed']!;
      item.completedAt = values[':now']!;
      item.expiresAt = values[':expiresAt']!;
      delete item.leaseUntil;
      return item;
    case 'ADD applied :one':
      item.applied = { N: String((num(item.applied) || 0) + num(values[':one'])) };
      return item;
    default:
      throw new Error(`model DynamoDB: update not modelled: ${request.UpdateExpression}`);
  }
}

function cancelled(reasons: { Code: string; Item?: Item }[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: {},
    CancellationReasons: reasons,
  });
}
