import {
  InvalidFilterPatternError,
  matchesAnyPattern,
  matchesPattern,
  parseFilterCriteria,
  type FilterPattern,
} from '../../local/event-filter.ts';

/**
 * The rows follow the comparison-operator table of AWS's "Lambda event filtering" page (null, empty,
 * equals, equals-ignore-case, and, or, $or, not/anything-but, numeric equals / range, exists, does not
 * exist, begins with, ends with) plus wildcard and anything-but with a prefix, each with an event that
 * matches and one that does not.
 */
const documentedExamples: readonly [name: string, pattern: FilterPattern, matching: object, notMatching: object][] = [
  ['null', { UserID: [null] }, { UserID: null }, { UserID: 'u-1' }],
  ['empty', { LastName: [''] }, { LastName: '' }, { LastName: 'Doe' }],
  ['equals', { Name: ['Alice'] }, { Name: 'Alice' }, { Name: 'alice' }],
  ['equals-ignore-case', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, { Name: 'Alicia' }],
  ['and', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Monday' }, { Location: 'New York', Day: 'Tuesday' }],
  ['or (one field)', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, { PaymentType: 'Cash' }],
  ['$or (several fields)', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'Paris', Day: 'Monday' }, { Location: 'Paris', Day: 'Friday' }],
  ['not (anything-but)', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' }, { Weather: 'Raining' }],
  ['anything-but a single value', { Weather: [{ 'anything-but': 'Raining' }] }, { Weather: 'Snowing' }, { Weather: 'Raining' }],
  ['anything-but prefix', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' }, { Region: 'us-east-1' }],
  ['numeric equals', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, { Price: 101 }],
  ['numeric range', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 }, { Price: 10 }],
  ['numeric on a string is no match', { Price: [{ numeric: ['>', 0] }] }, { Price: 1 }, { Price: '5' }],
  ['exists', { ProductName: [{ exists: true }] }, { ProductName: 'Widget' }, { Other: 1 }],
  ['does not exist', { ProductName: [{ exists: false }] }, { Other: 1 }, { ProductName: 'Widget' }],
  ['begins with', { Region: [{ prefix: 'us-' }] }, { Region: 'us-west-2' }, { Region: 'eu-west-1' }],
  ['ends with', { FileName: [{ suffix: '.png' }] }, { FileName: 'cat.png' }, { FileName: 'cat.jpg' }],
  ['prefix ignoring case', { FileName: [{ prefix: { 'equals-ignore-case': 'IMG' } }] }, { FileName: 'img_01.png' }, { FileName: 'doc.png' }],
  ['wildcard', { Key: [{ wildcard: 'orders/*/2026-*.json' }] }, { Key: 'orders/eu/2026-01.json' }, { Key: 'orders/eu/2025-01.json' }],
  ['exact number is not a string', { Quantity: [5] }, { Quantity: 5 }, { Quantity: '5' }],
  ['array values match on any element', { Tags: ['urgent'] }, { Tags: ['low', 'urgent'] }, { Tags: ['low'] }],
  ['Kinesis data (decoded JSON)', { data: { RoomType: ['Deluxe'] } }, { partitionKey: '1', data: { RoomType: 'Deluxe' } }, { partitionKey: '1', data: { RoomType: 'Standard' } }],
  ['Kinesis metadata', { partitionKey: [{ prefix: 'room-' }] }, { partitionKey: 'room-7', data: {} }, { partitionKey: 'hall-7', data: {} }],
  ['nested pattern on a non-object value', { data: { RoomType: ['Deluxe'] } }, { data: { RoomType: 'Deluxe' } }, { data: 'not json' }],
];

describe('matchesPattern', () => {
  it.each(documentedExamples)('%s: matches the documented event and not the other', (_name, pattern, matching, notMatching) => {
    // Prepare: the pattern and two events from the table
    // Act
    const results = [matchesPattern(pattern, matching), matchesPattern(pattern, notMatching)];
    // Assess
    expect(results).toEqual([true, false]);
  });

  it('combines $or with sibling keys as AND', () => {
    // Prepare
    const pattern = { Kind: ['order'], $or: [{ Amount: [{ numeric: ['>', 100] }] }, { Vip: [true] }] };
    // Act
    const results = [
      matchesPattern(pattern, { Kind: 'order', Amount: 500 }),
      matchesPattern(pattern, { Kind: 'order', Amount: 5, Vip: true }),
      matchesPattern(pattern, { Kind: 'refund', Amount: 500 }),
      matchesPattern(pattern, { Kind: 'order', Amount: 5 }),
    ];
    // Assess
    expect(results).toEqual([true, true, false, false]);
  });

  it('does not match a missing field with anything-but', () => {
    // Prepare
    const pattern = { Weather: [{ 'anything-but': ['Raining'] }] };
    // Act
    const matched = matchesPattern(pattern, { Other: 1 });
    // Assess
    expect(matched).toBe(false);
  });
});

describe('matchesAnyPattern', () => {
  it('passes every event when there are no filters and otherwise needs one matching pattern', () => {
    // Prepare
    const patterns = [{ type: ['a'] }, { type: ['b'] }];
    // Act
    const results = [matchesAnyPattern([], { type: 'z' }), matchesAnyPattern(patterns, { type: 'b' }), matchesAnyPattern(patterns, { type: 'z' })];
    // Assess
    expect(results).toEqual([true, true, false]);
  });
});

describe('parseFilterCriteria', () => {
  it('parses the JSON patterns of a mapping', () => {
    // Prepare
    const criteria = { Filters: [{ Pattern: '{"data":{"type":["order"]}}' }] };
    // Act
    const patterns = parseFilterCriteria(criteria);
    // Assess
    expect(patterns).toEqual([{ data: { type: ['order'] } }]);
  });

  it.each([
    ['not JSON', '{data:'],
    ['a scalar leaf', '{"type":"order"}'],
    ['an unknown operator', '{"type":[{"contains":"x"}]}'],
    ['an odd numeric list', '{"n":[{"numeric":[">"]}]}'],
    ['a one-branch $or', '{"$or":[{"a":["x"]}]}'],
  ])('rejects a pattern with %s', (_name, pattern) => {
    // Prepare
    const criteria = { Filters: [{ Pattern: pattern }] };
    // Act
    const parse = () => parseFilterCriteria(criteria);
    // Assess
    expect(parse).toThrow(InvalidFilterPatternError);
  });
});
