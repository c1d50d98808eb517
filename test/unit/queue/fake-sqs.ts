import type { SQSClient } from '@aws-sdk/client-sqs';

export interface SentCommand {
  name: string;
  input: Record<string, unknown> & { QueueUrl?: string; MessageBody?: string };
}

/**
 * A hand-built stand-in for SQSClient that records every command and answers like SQS, or fails when
 * `fail` says so. Unit tests only; integration tests talk to fauxqs.
 */
export class RecordingSqs {
  readonly sent: SentCommand[] = [];
  /** Return an error to make that command fail (thrown), or a SendMessageBatch result to answer with. */
  respond: (command: SentCommand, attempt: number) => Error | Record<string, unknown> | undefined = () => undefined;

  get client(): SQSClient {
    return this as unknown as SQSClient;
  }

  async send(command: { constructor: { name: string }; input: SentCommand['input'] }): Promise<Record<string, unknown>> {
    const sent = { name: command.constructor.name, input: structuredClone(command.input) };
    this.sent.push(sent);
    const answer = this.respond(sent, this.sent.filter((c) => c.name === sent.name).length);
    if (answer instanceof Error) throw answer;
    if (answer) return answer;
    if (sent.name === 'SendMessageBatchCommand') {
      const entries = (sent.input.Entries ?? []) as { Id: string }[];
      return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })), Failed: [] };
    }
    return { MessageId: `m-${this.sent.length}` };
  }

  /** Commands sent to `queueUrl` (any command name). */
  to(queueUrl: string): SentCommand[] {
    return this.sent.filter((command) => command.input.QueueUrl === queueUrl);
  }
}
