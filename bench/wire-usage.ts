import type { WireExchange } from '../local/faults/fault-proxy.ts';
import { keyedRecord } from '../shared/keyed-record.ts';

/** Billed units of one DynamoDB operation, as seen on the wire. */
export interface DynamoDbOperationUsage {
  requests: number;
  /** Refused conditional writes and cancelled transactions (billed all the same). */
  refused: number;
  writeUnits: number;
  readUnits: number;
}

/** Requests of one SQS operation, as seen on the wire. */
export interface SqsOperationUsage {
  requests: number;
  /** ReceiveMessage calls that returned nothing. */
  empty: number;
  /** Messages a ReceiveMessage returned. */
  messages: number;
}

export interface WireUsage {
  dynamodb: Record<string, DynamoDbOperationUsage>;
  sqs: Record<string, SqsOperationUsage>;
}

type AttributeValue = Record<string, unknown>;

/**
 * Bytes DynamoDB counts for an attribute value (its "Item sizes and formats" rules): strings and
 * binaries by length, numbers about one byte per two significant digits plus one, lists and maps 3
 * bytes plus one per element plus their elements (map keys count as names).
 *
 * @example
 * attributeValueSize({ S: 'abc' }); // 3
 */
export function attributeValueSize(value: AttributeValue): number {
  if (typeof value.S === 'string') return Buffer.byteLength(value.S);
  if (typeof value.N === 'string') return Math.ceil(value.N.replace(/^[-+]?0*|[.eE].*$/g, '').length / 2) + 1;
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (Array.isArray(value.L)) return 3 + (value.L as AttributeValue[]).reduce((sum, element) => sum + 1 + attributeValueSize(element), 0);
  if (value.M && typeof value.M === 'object') return 3 + itemSize(value.M as Record<string, AttributeValue>) + Object.keys(value.M).length;
  for (const set of ['SS', 'NS', 'BS'] as const) {
    if (Array.isArray(value[set])) return (value[set] as string[]).reduce((sum, element) => sum + attributeValueSize({ [set[0]!]: element }), 0);
  }
  return 0;
}

/**
 * Bytes of an item: attribute names plus values.
 *
 * @example
 * itemSize({ pk: { S: 'a' } }); // 3
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + attributeValueSize(value), 0);
}

const writeUnitsOf = (item: Record<string, AttributeValue> | undefined) => (item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 1);

/**
 * Units one DynamoDB request is billed on demand, from its request and answer: a write request unit per
 * KB written (a refused conditional write too: AWS bills it); 2 per item inside TransactWriteItems,
 * counted in full for a cancelled transaction (AWS bills the transaction's two underlying writes per
 * item; whether a cancellation saves any of them is not documented, so we assume not, which is the
 * costly reading for sluice's atomic mode); half a read unit for an eventually consistent GetItem of
 * up to 4 KB (a full one when strongly consistent). Updates, deletes and condition checks are counted
 * as one 1 KB write: the benchmark's totals and dedup records are far below 1 KB.
 *
 * @example
 * dynamoDbUnits('PutItem', { Item: { pk: { S: 'a' } } }); // { writeUnits: 1, readUnits: 0 }
 */
export function dynamoDbUnits(operation: string, request: Record<string, unknown>): { writeUnits: number; readUnits: number } {
  switch (operation) {
    case 'PutItem':
      return { writeUnits: writeUnitsOf(request.Item as Record<string, AttributeValue>), readUnits: 0 };
    case 'UpdateItem':
    case 'DeleteItem':
      return { writeUnits: 1, readUnits: 0 };
    case 'TransactWriteItems': {
      const items = (request.TransactItems as { Put?: { Item: Record<string, AttributeValue> } }[] | undefined) ?? [];
      return { writeUnits: items.reduce((sum, item) => sum + 2 * writeUnitsOf(item.Put?.Item), 0), readUnits: 0 };
    }
    case 'GetItem':
      return { writeUnits: 0, readUnits: request.ConsistentRead === true ? 1 : 0.5 };
    default:
      return { writeUnits: 0, readUnits: 0 };
  }
}

/**
 * Tallies what went over the wire while enabled: DynamoDB operations with their billed units, SQS
 * operations with their empty receives. Plugged into fault proxies as `onExchange`.
 *
 * @example
 * const usage = wireUsage();
 * const proxy = await startFaultProxy({ …, onExchange: usage.dynamodb });
 * usage.start(); await work(); const { dynamodb } = usage.stop();
 */
export function wireUsage() {
  let enabled = false;
  let usage: WireUsage = { dynamodb: keyedRecord(), sqs: keyedRecord() };
  const json = (text: string): Record<string, unknown> => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  return {
    start(): void {
      usage = { dynamodb: keyedRecord(), sqs: keyedRecord() };
      enabled = true;
    },
    stop(): WireUsage {
      enabled = false;
      return usage;
    },
    dynamodb(exchange: WireExchange): void {
      if (!enabled || exchange.fault === 'throttled') return;
      const count = (usage.dynamodb[exchange.operation] ??= { requests: 0, refused: 0, writeUnits: 0, readUnits: 0 });
      const units = dynamoDbUnits(exchange.operation, json(exchange.requestBody));
      count.requests += 1;
      count.writeUnits += units.writeUnits;
      count.readUnits += units.readUnits;
      if (/ConditionalCheckFailed|TransactionCanceled/.test(exchange.status >= 400 ? exchange.responseBody : '')) count.refused += 1;
    },
    sqs(exchange: WireExchange): void {
      if (!enabled) return;
      const count = (usage.sqs[exchange.operation] ??= { requests: 0, empty: 0, messages: 0 });
      count.requests += 1;
      if (exchange.operation === 'ReceiveMessage') {
        const received = ((json(exchange.responseBody).Messages as unknown[] | undefined) ?? []).length;
        count.messages += received;
        if (received === 0) count.empty += 1;
      }
    },
  };
}
