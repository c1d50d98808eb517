import type { BadInput, MessageSource, Outgoing } from '../../../../local/cli/commands/send/message-source.ts';
import { sendBatches } from '../../../../local/cli/commands/send/send-batches.ts';

/** A source of messages whose payload is a string of `size` characters (its byte count, in ASCII). */
function sourceOf(items: readonly (number | 'bad')[], read: string[] = []): MessageSource {
  return {
    async *messages(): AsyncGenerator<Outgoing | BadInput> {
      for (const [index, item] of items.entries()) {
        const where = `message ${index + 1}`;
        read.push(where);
        if (item === 'bad') yield { where, problem: 'not valid JSON' };
        else yield { id: `message-${index + 1}`, where, payload: 'x'.repeat(item), context: { i: index + 1, now: 0 } };
      }
    },
  };
}

const entryFor = (message: Outgoing) => ({ entry: message.id, bytes: (message.payload as string).length });

async function collect<T>(batches: AsyncGenerator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

describe('sendBatches', () => {
  it('groups messages by count and bytes, skips bad input, and sends an entry larger than the limit alone', async () => {
    // Prepare
    const source = sourceOf([4, 4, 'bad', 4, 1, 20, 1, 1, 1]);
    // Act
    const batches = await collect(sendBatches(source, { maxCount: 3, maxBytes: 10, entryFor }, () => false));
    // Assess
    expect(batches).toEqual([
      { entries: ['message-1', 'message-2'], bytes: 8 },
      { entries: ['message-4', 'message-5'], bytes: 5 },
      { entries: ['message-6'], bytes: 20 },
      { entries: ['message-7', 'message-8', 'message-9'], bytes: 3 },
    ]);
  });

  it('stops reading the source once the send has stopped', async () => {
    // Prepare
    const read: string[] = [];
    let stopped = false;
    const batches = sendBatches(sourceOf([1, 1, 1, 1, 1], read), { maxCount: 2, maxBytes: 10, entryFor }, () => stopped);
    // Act
    const first = await batches.next();
    stopped = true;
    const rest = await collect(batches);
    // Assess: the first batch was cut when message 3 was read; message 4, read after the stop, goes nowhere and message 5 is never read
    expect(first.value).toEqual({ entries: ['message-1', 'message-2'], bytes: 2 });
    expect(rest).toEqual([]);
    expect(read).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
  });
});
