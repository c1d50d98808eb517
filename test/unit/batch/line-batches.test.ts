import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { lineBatches } from '../../../shared/batch/line-batches.ts';

async function viaReadline(bytes: Buffer): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function viaLineBatches(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) lines.push(...batch);
  return lines;
}

/** Cuts bytes at the given offsets, also inside multi-byte characters and between `\r` and `\n`. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

describe('lineBatches', () => {
  it('splits lines exactly as readline does, however the bytes are chunked', async () => {
    const piece = fc.constantFrom('a', 'bc', '\n', '\r', '\r\n', 'é', '😀', ' ', '{"x":1}');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }), async (pieces, offsets) => {
        // Prepare
        const bytes = Buffer.from(pieces.join(''));
        // Act
        const lines = await viaLineBatches(cut(bytes, offsets));
        // Assess
        expect(lines).toEqual(await viaReadline(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('destroys its source when the consumer stops early', async () => {
    // Prepare
    const source = Readable.from([Buffer.from('a\nb\n'), Buffer.from('c\n')]);
    // Act
    for await (const batch of lineBatches(source)) if (batch.length > 0) break;
    // Assess
    expect(source.destroyed).toBe(true);
  });
});
