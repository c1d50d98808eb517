import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { isJsonObject, parseJsonKeepingNumbers } from './filtering/json-values.ts';
import { matchesRule } from './filtering/match.ts';
import { compilePattern, InvalidFilterPatternError, type Rule } from './filtering/pattern.ts';

export { InvalidFilterPatternError } from './filtering/pattern.ts';
export { JsonNumber, parseJsonKeepingNumbers } from './filtering/json-values.ts';

/**
 * Lambda event filtering (the `FilterCriteria` of an event source mapping), evaluated locally with the rule
 * syntax of "Control which events Lambda sends to your function" (invocation-eventfiltering.html), which is
 * EventBridge's: see local/filtering/ for the operators and event-ruler's array matching, and
 * docs/conformance.md (Event filtering) for the source of every rule.
 *
 * Per source, as the per-service pages say: Kinesis mappings "only support filtering on the `data` key"
 * (with-kinesis-filtering.html) and SQS mappings "only support filtering on the `body` key"
 * (with-sqs-filtering.html); a pattern on any other key is refused. A JSON body or data meets only JSON
 * patterns (`{ "body": { "field": [...] } }`) and a plain string only plain-string patterns
 * (`{ "body": [...] }`); a mismatch drops the record, as the SQS page's table says.
 */

/** A parsed filter pattern: the JSON object of one `Filters[].Pattern` (numbers keep their text). */
export type FilterPattern = { readonly [key: string]: unknown };

/** The `FilterCriteria` property of an `AWS::Lambda::EventSourceMapping`. */
export interface FilterCriteria {
  readonly Filters?: readonly { readonly Pattern?: string }[];
}

/** Which event source a mapping reads: it decides the one key a pattern may filter on. */
export type FilterSource = 'kinesis' | 'sqs';

const DATA_KEY: Record<FilterSource, string> = { kinesis: 'data', sqs: 'body' };
/** CloudFormation's limit on one `Pattern` (AWS::Lambda::EventSourceMapping Filter: maximum 4096). */
const MAX_PATTERN_LENGTH = 4096;
/** "up to five different filters" by default, "up to 10 filters" with a quota increase. */
const MAX_FILTERS = 10;

/**
 * Parses the patterns of a mapping's `FilterCriteria` (each `Pattern` is a JSON string) and checks them as
 * Lambda does when the mapping is created, so a typo fails when the poller starts instead of silently
 * dropping or passing records. With a `source`, only that source's data key may be filtered on.
 *
 * @throws InvalidFilterPatternError naming the pattern and the problem.
 * @example
 * const patterns = parseFilterCriteria({ Filters: [{ Pattern: '{"data":{"type":["order"]}}' }] }, 'kinesis');
 */
export function parseFilterCriteria(criteria: FilterCriteria | undefined, source?: FilterSource): FilterPattern[] {
  const filters = criteria?.Filters ?? [];
  if (filters.length > MAX_FILTERS) throw new InvalidFilterPatternError(`a mapping takes at most ${MAX_FILTERS} filters (5 without a quota increase), got ${filters.length}`);
  return filters.map(({ Pattern }) => {
    if (typeof Pattern !== 'string') throw new InvalidFilterPatternError('a filter needs a Pattern string');
    if (Pattern.length > MAX_PATTERN_LENGTH) throw new InvalidFilterPatternError(`a filter pattern is at most ${MAX_PATTERN_LENGTH} characters, got ${Pattern.length}`);
    let parsed: unknown;
    try {
      parsed = parseJsonKeepingNumbers(Pattern);
    } catch {
      throw new InvalidFilterPatternError(`filter pattern is not JSON: ${Pattern}`);
    }
    if (!isJsonObject(parsed)) throw new InvalidFilterPatternError(`filter pattern must be a JSON object: ${Pattern}`);
    const rules = rulesOf(parsed);
    if (source) {
      const dataKey = DATA_KEY[source];
      const other = rules.flat().find((field) => field.path[0] !== dataKey);
      if (other) {
        throw new InvalidFilterPatternError(`${source === 'kinesis' ? 'Kinesis' : 'SQS'} mappings only support filtering on the "${dataKey}" key; pattern filters on "${other.path[0]}": ${Pattern}`);
      }
    }
    return parsed;
  });
}

/**
 * Whether an event passes a mapping's filters: with no filters every event passes; otherwise Lambda sends
 * the event when at least one pattern matches ("Your filters are logically ORed together").
 *
 * @example
 * matchesAnyPattern(patterns, { data: { type: 'order' } });
 */
export function matchesAnyPattern(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
}

/**
 * Whether one filter pattern matches an event (a parsed JSON value; plain numbers compare by their
 * `JSON.stringify` text).
 *
 * @example
 * matchesPattern({ data: { amount: [{ numeric: ['>', 0] }] } }, { data: { amount: 5 } }); // true
 */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  return rulesOf(pattern).some((rule) => matchesRule(rule, event));
}

/**
 * The filter of a Kinesis mapping: a record passes when its `data`, decoded, meets a pattern. Data that is
 * not a JSON object or array only meets plain-string patterns on `data` (unverified for Kinesis: the SQS
 * page's table applied to `data`).
 *
 * @example
 * const filter = recordFilter(parseFilterCriteria(mapping.FilterCriteria, 'kinesis'), 'kinesis');
 * if (!filter(record)) skip(record);
 */
export function recordFilter(patterns: readonly FilterPattern[], source: 'kinesis'): (record: KinesisStreamRecord) => boolean;
export function recordFilter(patterns: readonly FilterPattern[], source: 'sqs'): (record: SQSRecord) => boolean;
export function recordFilter(patterns: readonly FilterPattern[], source: FilterSource): (record: KinesisStreamRecord | SQSRecord) => boolean {
  const dataKey = DATA_KEY[source];
  const rules = patterns.flatMap(rulesOf);
  return (record) => {
    if (rules.length === 0) return true;
    const text = source === 'kinesis' ? Buffer.from((record as KinesisStreamRecord).kinesis.data, 'base64').toString('utf8') : (record as SQSRecord).body;
    const json = parseJsonData(text);
    const subject = { [dataKey]: json ?? text };
    // A rule whose fields sit right on the data key is a plain-string pattern; deeper fields make a JSON pattern.
    return rules.some((rule) => rule.every((field) => (field.path.length > 1) === (json !== undefined)) && matchesRule(rule, subject));
  };
}

/** The data as JSON when it is a JSON object or array ("valid JSON" in the SQS page's table), else undefined. */
function parseJsonData(text: string): unknown {
  try {
    const parsed = parseJsonKeepingNumbers(text);
    return isJsonObject(parsed) || Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const compiled = new WeakMap<object, Rule[]>();

function rulesOf(pattern: FilterPattern): Rule[] {
  let rules = compiled.get(pattern);
  if (!rules) {
    rules = compilePattern(pattern);
    compiled.set(pattern, rules);
  }
  return rules;
}
