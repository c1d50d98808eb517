import { randomUUID } from 'node:crypto';

/** One payload of a JSON Lines file, with the line it came from. */
export interface InputLine {
  readonly line: number;
  readonly value: unknown;
}

/** A line that is not valid JSON. */
export interface InputLineError {
  readonly line: number;
  readonly message: string;
}

/**
 * Parses JSON Lines: one JSON value per line, blank lines skipped. Every bad line is reported with its
 * line number, so a user fixes the file in one pass.
 *
 * @example
 * const { lines, errors } = parseJsonLines('{"a":1}\n\nnot json\n'); // errors: [{ line: 3, … }]
 */
export function parseJsonLines(text: string): { lines: InputLine[]; errors: InputLineError[] } {
  const lines: InputLine[] = [];
  const errors: InputLineError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      lines.push({ line: index + 1, value: JSON.parse(raw) });
    } catch (err) {
      errors.push({ line: index + 1, message: (err as Error).message });
    }
  });
  return { lines, errors };
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
