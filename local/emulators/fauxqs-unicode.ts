import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * fauxqs 2.4 refuses message bodies that SQS accepts: its invalid-character check
 * `/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/` has no `u` flag, so it tests UTF-16 code units and every
 * character above U+FFFF (emoji, many CJK ideographs) fails on its surrogate halves. SQS allows
 * "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF" (SendMessage, MessageBody).
 *
 * fauxqs shares that one RegExp object between SendMessage, SendMessageBatch and its S3 sink, so sluice
 * recompiles it in place with the documented ranges and the `u` flag (a lone surrogate is still
 * refused, as SQS refuses it). It is done once, only when the check is the faulty one, and only in the
 * process that runs fauxqs. Remove once fauxqs ships the fix (see docs/conformance.md).
 */

/**
 * fauxqs's dist/sqs/sqsTypes.js: not an exported path, so it is found beside the installed package (the
 * same file, hence the same module instance, that fauxqs's actions import).
 */
function sqsTypesFile(): string | undefined {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('fauxqs') ?? []) {
    const file = join(dir, 'fauxqs', 'dist', 'sqs', 'sqsTypes.js');
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** SQS's valid characters: anything else in a body is refused. */
const INVALID_SQS_CHARACTER = '[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]';

let patched: Promise<boolean> | undefined;

/**
 * Makes the fauxqs loaded in this process accept the characters SQS accepts. Resolves to whether a fix
 * was needed (false once fauxqs is fixed upstream, or when its module layout changed).
 *
 * @example
 * await acceptSqsUnicode();
 * await startFauxqs({ port: 0 });
 */
export function acceptSqsUnicode(): Promise<boolean> {
  patched ??= (async () => {
    const file = sqsTypesFile();
    if (!file) return false;
    let types: { INVALID_MESSAGE_BODY_CHAR?: unknown };
    try {
      // A plain absolute path where the platform allows it: jest's module registry keys modules by path, so a
      // file: URL would load a second copy and patch a RegExp fauxqs never uses.
      types = (await import(sep === '/' ? file : pathToFileURL(file).href)) as typeof types;
    } catch {
      return false;
    }
    const check = types.INVALID_MESSAGE_BODY_CHAR;
    // Checked by tag, not `instanceof`: the module may come from another realm (a test runner's vm context).
    if (Object.prototype.toString.call(check) !== '[object RegExp]' || !(check as RegExp).test('\u{1F600}')) return false;
    (check as RegExp & { compile(pattern: string, flags: string): RegExp }).compile(INVALID_SQS_CHARACTER, 'u');
    return true;
  })();
  return patched;
}
