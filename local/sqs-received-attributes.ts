import type { MessageAttributeValue, ReceiveMessageCommandOutput, SQSClient } from '@aws-sdk/client-sqs';

/** The wire form of a message attribute in an SQS (AWS JSON 1.0) ReceiveMessage response. */
interface WireAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
  StringListValues?: string[];
  BinaryListValues?: string[];
}

const RAW_BODY = Symbol('sluice.receiveMessageBody');
const PROTO = '__proto__';

/**
 * Makes `client` return message attributes named `__proto__` with their value. SQS accepts the name (and
 * Lambda's own poller delivers it), but the SDK's JSON map deserializer (@smithy/core 3.41) redefines a
 * `__proto__` key before it reads the value, so ReceiveMessage returns the attribute with `undefined`.
 * The local SQS poller and `sluice dlq` receive with the SDK: this keeps the ReceiveMessage response body
 * and copies those attributes back from it, so such a message is neither stuck nor stripped on replay.
 *
 * @example
 * const sqs = withReceivedProtoAttributes(new SQSClient(clientConfig({ service: 'sqs' })));
 */
export function withReceivedProtoAttributes(client: SQSClient): SQSClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const raw = (context as Record<symbol, string | undefined>)[RAW_BODY];
      if (raw !== undefined) restoreProtoAttributes(result.output as ReceiveMessageCommandOutput, raw);
      return result;
    },
    { step: 'initialize', name: 'sluiceRestoreProtoAttributes' },
  );
  // Innermost in the deserialize step: sees the HTTP response before the deserializer reads its body.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as { body?: AsyncIterable<Uint8Array> | Uint8Array };
      if (context.commandName !== 'ReceiveMessageCommand' || response.body === undefined || response.body instanceof Uint8Array) return result;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      response.body = new Uint8Array(body);
      const text = body.toString('utf8');
      if (text.includes(`"${PROTO}"`)) (context as Record<symbol, string>)[RAW_BODY] = text;
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'sluiceKeepReceiveMessageBody' },
  );
  return client;
}

function restoreProtoAttributes(output: ReceiveMessageCommandOutput, raw: string): void {
  let wire: { Messages?: { MessageAttributes?: Record<string, WireAttribute> }[] };
  try {
    wire = JSON.parse(raw) as typeof wire;
  } catch {
    return;
  }
  output.Messages?.forEach((message, i) => {
    const attributes = wire.Messages?.[i]?.MessageAttributes;
    if (!message.MessageAttributes || !attributes || !Object.hasOwn(attributes, PROTO)) return;
    Object.defineProperty(message.MessageAttributes, PROTO, { value: fromWire(attributes[PROTO]!), enumerable: true, writable: true, configurable: true });
  });
}

function fromWire(attribute: WireAttribute): MessageAttributeValue {
  return {
    ...(attribute.DataType !== undefined ? { DataType: attribute.DataType } : {}),
    ...(attribute.StringValue !== undefined ? { StringValue: attribute.StringValue } : {}),
    ...(attribute.BinaryValue !== undefined ? { BinaryValue: Buffer.from(attribute.BinaryValue, 'base64') } : {}),
    ...(attribute.StringListValues !== undefined ? { StringListValues: attribute.StringListValues } : {}),
    ...(attribute.BinaryListValues !== undefined ? { BinaryListValues: attribute.BinaryListValues.map((b) => Buffer.from(b, 'base64')) } : {}),
  } as MessageAttributeValue;
}
