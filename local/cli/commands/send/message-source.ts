import { accessSync, constants, createReadStream, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../usage-error.ts';
import { expandTemplate, readJsonLines, type TemplateContext } from '../send-input.ts';

/** One message to send, and where it came from. */
export interface Outgoing {
  /** Batch entry id (letters, digits, `-`): `line-7`, `message-7`. */
  readonly id: string;
  /** Where to point the user: `orders.jsonl:7`, `message 7`. */
  readonly where: string;
  readonly payload: unknown;
  readonly context: TemplateContext;
}

/** An input that is not a message (a line that is not JSON), and why. */
export interface BadInput {
  readonly where: string;
  readonly problem: string;
}

/**
 * The messages of one `sluice send`, read again on each call of `messages()`: once to check them all,
 * once to send them, so neither a file nor a million generated messages is ever held in memory.
 * `{{uuid}}` differs between the two reads; every other placeholder gives the same text.
 */
export interface MessageSource {
  messages(): AsyncGenerator<Outgoing | BadInput>;
}

export interface SourceOptions {
  readonly file?: string;
  readonly count?: number;
  readonly template?: string;
}

function readFileOrUsage(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): expected a readable file`);
  }
}

function readTemplate(text: string): unknown {
  const source = text.startsWith('@') ? readFileOrUsage(text.slice(1), '--template') : text;
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new UsageError(`--template is not valid JSON (${(err as Error).message}): expected JSON like '{"orderId":"o-{{i}}"}' or @file.json`);
  }
}

function checkReadableFile(path: string): void {
  try {
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new UsageError(`--file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): expected a readable file`);
  }
}

async function* fileMessages(path: string, now: number): AsyncGenerator<Outgoing | BadInput> {
  for await (const entry of readJsonLines(createReadStream(path))) {
    const where = `${path}:${entry.line}`;
    if ('error' in entry) yield { where, problem: `not valid JSON (${entry.error})` };
    else yield { id: `line-${entry.line}`, where, payload: entry.value, context: { i: entry.line, now } };
  }
}

async function* generatedMessages(template: unknown, count: number, now: number): AsyncGenerator<Outgoing> {
  for (let i = 1; i <= count; i += 1) {
    const context = { i, now };
    yield { id: `message-${i}`, where: `message ${i}`, payload: expandTemplate(template, context), context };
  }
}

/**
 * The messages `--file` or `--count/--template` describe.
 *
 * @throws UsageError for a wrong combination of options, an unreadable file or a template that is not JSON.
 * @example
 * for await (const m of messageSource({ count: 3, template: '{"id":"o-{{i}}"}' }, Date.now()).messages()) console.log(m);
 */
export function messageSource(opts: SourceOptions, now: number): MessageSource {
  if ((opts.file === undefined) === (opts.count === undefined)) {
    throw new UsageError('give either --file <F.jsonl> or --count <N> with --template <T>');
  }
  if (opts.count !== undefined) {
    if (opts.template === undefined) throw new UsageError('--count needs --template <T>: a JSON message with {{i}}, {{now}}, {{uuid}} placeholders, or @file.json');
    const template = readTemplate(opts.template);
    const count = opts.count;
    return { messages: () => generatedMessages(template, count, now) };
  }
  if (opts.template !== undefined) throw new UsageError('--template goes with --count, not --file: the file holds the messages');
  const file = opts.file!;
  checkReadableFile(file);
  return { messages: () => fileMessages(file, now) };
}
