import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A hand-built DynamoDB client that answers each command with what `answer` returns (an Error is
 * thrown) and records the requests. The dedup state machine itself runs against DynamoDB Local
 * (test/integration/dedup-store.test.ts); this stages the error answers that are hard to provoke there.
 */
export class ScriptedDynamoDb {
  readonly requests: { name: string; input: Record<string, unknown> }[] = [];
  constructor(private readonly answer: (name: string, call: number) => unknown) {}
  get client(): DynamoDBClient {
    return this as unknown as DynamoDBClient;
  }
  async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
    this.requests.push({ name: command.constructor.name, input: command.input });
    const answer = this.answer(command.constructor.name, this.requests.filter((r) => r.name === command.constructor.name).length);
    if (answer instanceof Error) throw answer;
    return answer ?? {};
  }
}
