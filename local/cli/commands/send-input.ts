import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';

/** One line of a JSON Lines input: its value, or why it is not JSON. */
export type InputLine = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string };

/**
 * Reads JSON Lines one line at a time (memory stays flat whatever the file's size): one JSON value per
 * line, blank lines skipped. Line breaks may be LF, CRLF or a lone CR (old Mac editors); a UTF-8 byte
 * order mark at the start is dropped. A line that is not JSON is yielded with its error, so a caller
 * can report every bad line in one pass.
 *
 * @example
 * for await (const entry of readJsonLines(createReadStream('orders.jsonl'))) if ('error' in entry) console.error(entry.line, entry.error);
 */
export async function* readJsonLines(input: NodeJS.ReadableStream): AsyncGenerator<InputLine> {
  // crlfDelay Infinity: a CR at the end of one chunk and the LF at the start of the next are one break.
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (err) {
      yield { line, error: (err as Error).message };
    }
  }
}

/** Values a template can refer to. */
export interface TemplateContext {
  /** 1-based number of the generated message. */
  readonly i: number;
  /** Epoch ms when sending started. */
  readonly now: number;
}

const PLACEHOLDER = /\{\{(i|now|uuid)\}\}/g;

function fill(text: string, context: TemplateContext): string | number {
  // A string that is only `{{i}}` or `{{now}}` becomes a number, so templates can generate numeric fields.
  if (text === '{{i}}') return context.i;
  if (text === '{{now}}') return context.now;
  return text.replace(PLACEHOLDER, (_, name: string) => (name === 'uuid' ? randomUUID() : String(name === 'i' ? context.i : context.now)));
}

/**
 * Instantiates a message template: every string in it may use `{{i}}` (1-based message number),
 * `{{now}}` (epoch ms) and `{{uuid}}`; a string that is exactly `{{i}}` or `{{now}}` becomes a number.
 *
 * @example
 * expandTemplate({ orderId: 'o-{{i}}', qty: '{{i}}' }, { i: 7, now: 0 }); // { orderId: 'o-7', qty: 7 }
 */
export function expandTemplate(template: unknown, context: TemplateContext): unknown {
  if (typeof template === 'string') return fill(template, context);
  if (Array.isArray(template)) return template.map((item) => expandTemplate(item, context));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, expandTemplate(value, context)]));
  }
  return template;
}

/**
 * A string option with the same placeholders (e.g. `--dedup-key order-{{i}}`).
 *
 * @example
 * expandText('order-{{i}}', { i: 3, now: 0 }); // 'order-3'
 */
export function expandText(text: string, context: TemplateContext): string {
  return String(fill(text, context));
}
