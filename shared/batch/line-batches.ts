import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

type ByteSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Streams the lines of a text source in batches (one batch per incoming chunk), splitting exactly as
 * `readline` with `crlfDelay: Infinity` does: on `\r\n`, `\n` or a lone `\r`, no empty last line.
 * Batches spare the per-line promise that `for await` over readline costs in hot loops. The source is
 * destroyed when the consumer stops early.
 *
 * @example
 * for await (const lines of lineBatches(body)) for (const line of lines) handle(line);
 */
export async function* lineBatches(source: ByteSource): AsyncGenerator<string[]> {
  const input = source instanceof Readable ? source : Readable.from(source);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  // A chunk ending in `\r` may be the first half of `\r\n`: the next chunk decides.
  let pendingCr = false;
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (text === '') continue;
      if (pendingCr && text.charCodeAt(0) === 10) text = text.slice(1);
      pendingCr = false;
      const lines = splitLines(carry + text);
      carry = lines.pop()!;
      if (carry === '' && lines.length > 0 && endsWithCr(text)) pendingCr = true;
      if (lines.length > 0) yield lines;
    }
    carry += decoder.end();
    if (carry !== '') yield [carry];
  } finally {
    // Stops the source (and frees an S3 socket) when the consumer stops early.
    input.destroy();
  }
}

function endsWithCr(text: string): boolean {
  return text.charCodeAt(text.length - 1) === 13;
}

/** Splits on `\r\n`, `\n` and `\r`; the last element is the (possibly empty) unterminated rest. */
function splitLines(text: string): string[] {
  if (!text.includes('\r')) return text.split('\n');
  return text.split(/\r\n|\n|\r/);
}
