import { InvalidFilterPatternError, matchesPattern, parseFilterCriteria, parseJsonKeepingNumbers, recordFilter, type FilterPattern } from '../../../local/event-filter.ts';
import { kinesisRecord } from '../../helpers/kinesis-events.ts';
import { sqsRecord } from '../../helpers/sqs-events.ts';

/**
 * The event-filtering conformance table. Every case names its source; docs/conformance.md (Event
 * filtering) lists the pages:
 * - L: Lambda, "Control which events Lambda sends to your function" (invocation-eventfiltering.html), Filter rule syntax table
 * - LN: the same section's notes (exact character matching; numbers by their string representation; exists on leaf nodes)
 * - EBP: EventBridge, "Event pattern syntax" (eb-create-pattern.html): matching values, field names and nesting
 * - EBO: EventBridge, "Comparison operators for use in event patterns" (eb-create-pattern-operators.html)
 * - ER: event-ruler README (aws/event-ruler): operator sections, "JSON Array Matching", "$or", "JSON text matching"
 * - SQS: Lambda, "Using event filtering with an Amazon SQS event source" (with-sqs-filtering.html)
 * - KIN: Lambda, "Using event filtering with a Kinesis event source" (with-kinesis-filtering.html)
 * - U: unverified: no page decides it; sluice chose the conservative behaviour written in conformance.md
 * Events are JSON text, parsed the way the pollers parse data (numbers keep their text).
 */
type Case = readonly [source: string, name: string, pattern: object, matches: readonly string[], misses: readonly string[]];

const cases: readonly Case[] = [
  ['L', 'null', { UserID: [null] }, ['{"UserID":null}'], ['{"UserID":"u-1"}', '{}']],
  ['L', 'empty', { LastName: [''] }, ['{"LastName":""}'], ['{"LastName":"Doe"}', '{"LastName":null}']],
  ['L', 'equals', { Name: ['Alice'] }, ['{"Name":"Alice"}'], ['{"Name":"alice"}']],
  ['L', 'equals (ignore case)', { Name: [{ 'equals-ignore-case': 'alice' }] }, ['{"Name":"ALICE"}', '{"Name":"alice"}'], ['{"Name":"Alicia"}']],
  ['L', 'and', { Location: ['New York'], Day: ['Monday'] }, ['{"Location":"New York","Day":"Monday"}'], ['{"Location":"New York","Day":"Tuesday"}']],
  ['L', 'or', { PaymentType: ['Credit', 'Debit'] }, ['{"PaymentType":"Debit"}'], ['{"PaymentType":"Cash"}']],
  ['L', 'or (multiple fields)', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, ['{"Location":"Paris","Day":"Monday"}', '{"Location":"New York"}'], ['{"Location":"Paris","Day":"Friday"}']],
  ['L', 'not', { Weather: [{ 'anything-but': ['Raining'] }] }, ['{"Weather":"Sunny"}'], ['{"Weather":"Raining"}']],
  ['L', 'numeric (equals)', { Price: [{ numeric: ['=', 100] }] }, ['{"Price":100}', '{"Price":100.0}'], ['{"Price":101}']],
  ['L', 'numeric (range)', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, ['{"Price":20}', '{"Price":10.5}'], ['{"Price":10}', '{"Price":20.01}']],
  ['L', 'exists', { ProductName: [{ exists: true }] }, ['{"ProductName":"Widget"}', '{"ProductName":null}'], ['{"Other":1}']],
  ['L', 'does not exist', { ProductName: [{ exists: false }] }, ['{"Other":1}'], ['{"ProductName":"Widget"}']],
  ['L', 'begins with', { Region: [{ prefix: 'us-' }] }, ['{"Region":"us-west-2"}'], ['{"Region":"eu-west-1"}', '{"Region":"US-west-2"}']],
  ['L', 'ends with', { FileName: [{ suffix: '.png' }] }, ['{"FileName":"cat.png"}'], ['{"FileName":"cat.jpg"}']],
  ['LN', 'numbers compare by their text: 300, 300.0 and 3.0e2 differ', { Price: [300] }, ['{"Price":300}'], ['{"Price":300.0}', '{"Price":3.0e2}', '{"Price":"300"}']],
  ['LN', 'strings compare without normalization (composed é is not e + accent)', { City: ['café'] }, ['{"City":"café"}'], ['{"City":"cafe\\u0301"}', '{"City":"Café"}']],
  ['LN', 'exists does not match an intermediate node', { person: { address: [{ exists: true }] } }, ['{"person":{"address":"123 Main St"}}'], ['{"person":{"address":{"street":"123 Main St"}}}']],
  ['ER', 'exists: false matches a field that is only an intermediate node', { detail: { 'c-count': [{ exists: false }] } }, ['{"detail":{"c-count":{"c1":100}}}', '{"detail":{}}'], ['{"detail":{"c-count":5}}']],
  ['EBP', 'every field of the pattern must be in the event', { a: ['x'], b: ['y'] }, ['{"a":"x","b":"y","c":"z"}'], ['{"a":"x"}']],
  ['EBP', 'fields must have the same nesting', { detail: { state: ['running'] } }, ['{"detail":{"state":"running"}}'], ['{"state":"running"}', '{"detail":"running"}']],
  ['EBP', 'a missing field does not match anything-but', { Weather: [{ 'anything-but': ['Raining'] }] }, ['{"Weather":"Snow"}'], ['{"Other":1}']],
  ['ER', 'booleans are JSON literals, not strings', { flag: [true] }, ['{"flag":true}'], ['{"flag":"true"}', '{"flag":false}']],
  ['ER', 'a number literal does not match a string', { Quantity: [5] }, ['{"Quantity":5}'], ['{"Quantity":"5"}']],
  ['ER', 'an event array matches when it intersects the pattern values', { resources: ['arn:a', 'arn:b'] }, ['{"resources":["arn:x","arn:b"]}'], ['{"resources":["arn:x"]}', '{"resources":[]}']],
  ['ER', 'arrays of objects are crushed out', { employees: { firstName: ['Anna'] } }, ['{"employees":[{"firstName":"John"},{"firstName":"Anna"}]}'], ['{"employees":[{"firstName":"John"}]}']],
  ['ER', 'multi-level arrays are crushed too', { employees: { firstName: ['Peter'] } }, ['{"employees":[[{"firstName":"John"}],[{"firstName":"Peter"}]]}'], ['{"employees":[[{"firstName":"John"}]]}']],
  [
    'ER',
    'fields matched in an array come from the same element (rulesForJSONEvent)',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    ['{"employees":[{"firstName":"Peter","lastName":"Smith"},{"firstName":"Anna","lastName":"Jones"}]}'],
    ['{"employees":[{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}'],
  ],
  ['ER', 'exists: false fails when any array element has the field', { items: { coupon: [{ exists: false }] } }, ['{"items":[{"sku":"a"},{"sku":"b"}]}'], ['{"items":[{"sku":"a"},{"sku":"b","coupon":"X"}]}']],
  ['ER', 'exists: true holds when one array element has the field', { items: { coupon: [{ exists: true }] } }, ['{"items":[{"sku":"a"},{"coupon":"X"}]}'], ['{"items":[{"sku":"a"}]}', '{"items":[]}']],
  ['ER', 'anything-but on an array matches when some element is not excluded', { Tags: [{ 'anything-but': 'low' }] }, ['{"Tags":["low","urgent"]}'], ['{"Tags":["low"]}']],
  ['ER', 'prefix works on strings only', { code: [{ prefix: '1' }] }, ['{"code":"123"}'], ['{"code":123}']],
  ['ER', 'suffix works on strings only', { code: [{ suffix: '3' }] }, ['{"code":"123"}'], ['{"code":123}']],
  ['ER', 'equals-ignore-case works on strings only', { code: [{ 'equals-ignore-case': 'true' }] }, ['{"code":"TRUE"}'], ['{"code":true}']],
  ['ER', 'numeric matching works on JSON numbers only', { amount: [{ numeric: ['>', 0] }] }, ['{"amount":5}'], ['{"amount":"5"}', '{"amount":null}']],
  ['ER', 'numeric equals with an exponent', { 'x-limit': [{ numeric: ['=', 3.018e2] }] }, ['{"x-limit":301.8}', '{"x-limit":3.018e2}'], ['{"x-limit":301.9}']],
  ['ER', 'numeric matching keeps six decimals', { ratio: [{ numeric: ['=', 0.1] }] }, ['{"ratio":0.1000000001}'], ['{"ratio":0.100001}']],
  ['ER', 'numeric beyond ±5.0e9 never matches', { big: [{ numeric: ['>', 0] }] }, ['{"big":5000000000}'], ['{"big":5000000001}']],
  ['ER', 'numeric with one bound', { 'd-count': [{ numeric: ['<', 10] }] }, ['{"d-count":-3}'], ['{"d-count":10}']],
  ['ER', 'numeric closed below, open above', { n: [{ numeric: ['>=', 10, '<', 20] }] }, ['{"n":10}'], ['{"n":20}', '{"n":9.999999}']],
  ['ER', 'anything-but a single number', { 'x-limit': [{ 'anything-but': 123 }] }, ['{"x-limit":124}'], ['{"x-limit":123}']],
  ['ER', 'anything-but a list of numbers', { 'x-limit': [{ 'anything-but': [100, 200, 300] }] }, ['{"x-limit":150}'], ['{"x-limit":200}']],
  ['ER', 'anything-but a list of strings', { state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, ['{"state":"running"}'], ['{"state":"overloaded"}']],
  ['ER', 'anything-but prefix', { state: [{ 'anything-but': { prefix: 'init' } }] }, ['{"state":"running"}'], ['{"state":"initializing"}']],
  ['ER', 'wildcard inside a value', { source: [{ wildcard: 'Simple*Service' }] }, ['{"source":"SimpleQueueService"}', '{"source":"SimpleService"}'], ['{"source":"SimpleQueueServices"}']],
  ['ER', 'wildcard with an escaped asterisk', { key: [{ wildcard: 'a\\*b' }] }, ['{"key":"a*b"}'], ['{"key":"axb"}']],
  ['ER', 'wildcard with an escaped backslash', { key: [{ wildcard: 'a\\\\*' }] }, ['{"key":"a\\\\tail"}'], ['{"key":"atail"}']],
  ['ER', '$or with a sibling field: source AND (metricName OR namespace)', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] }, ['{"source":"aws.cloudwatch","namespace":"AWS/EC2"}'], ['{"source":"aws.ec2","namespace":"AWS/EC2"}', '{"source":"aws.cloudwatch","namespace":"AWS/ES"}']],
  [
    'ER',
    'parallel $or at two levels',
    { $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }], detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] } },
    ['{"namespace":"AWS/EC2","detail":{"detail-type":"Alarm"}}'],
    ['{"namespace":"AWS/EC2","detail":{"source":"aws.ec2"}}'],
  ],
  [
    'ER',
    '"$or" with an "and" inside',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] },
    ['{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2"}'],
    ['{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/ES"}'],
  ],
  ['EBO', 'anything-but a single string', { state: [{ 'anything-but': 'initializing' }] }, ['{"state":"running"}'], ['{"state":"initializing"}']],
  ['EBO', 'anything-but begins with', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, ['{"Region":"eu-west-1"}'], ['{"Region":"us-east-1"}']],
  ['EBO', 'anything-but ends with', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, ['{"FileName":"cat.jpg"}'], ['{"FileName":"cat.png"}']],
  ['EBO', 'anything-but ignore case', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, ['{"state":"running"}'], ['{"state":"INITIALIZING"}']],
  ['EBO', 'anything-but using a wildcard', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, ['{"FilePath":"src/main.ts"}'], ['{"FilePath":"usr/lib/node"}']],
  ['EBO', 'anything-but with a list of ignore-case values', { state: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'failed'] } }] }, ['{"state":"running"}'], ['{"state":"Failed"}']],
  ['EBO', 'begins with (ignore case)', { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, ['{"service":"EventBridge"}'], ['{"service":"Lambda"}']],
  ['EBO', 'ends with (ignore case)', { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] }, ['{"FileName":"cat.PNG"}'], ['{"FileName":"cat.jpg"}']],
  ['EBO', 'wildcard', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, ['{"EventBusArn":"arn:aws:events:us-east-1:123456789012:event-bus/orders"}'], ['{"EventBusArn":"arn:aws:events:eu-west-1:123456789012:event-bus/orders"}']],
  ['EBO', 'IP address matching (IPv4)', { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] }, ['{"sourceIPAddress":"10.0.0.255"}'], ['{"sourceIPAddress":"10.0.1.1"}', '{"sourceIPAddress":"not an ip"}']],
  ['EBO', 'IP address matching (IPv6)', { sourceIPAddress: [{ cidr: '2001:db8::/32' }] }, ['{"sourceIPAddress":"2001:db8::1"}'], ['{"sourceIPAddress":"2001:db9::1"}']],
  ['EBO', 'several operators in one field are ORed', { Price: [{ numeric: ['<', 10] }, { numeric: ['>', 100] }] }, ['{"Price":5}', '{"Price":500}'], ['{"Price":50}']],
  ['EBO', 'a value or absence', { coupon: ['WELCOME', { exists: false }] }, ['{"coupon":"WELCOME"}', '{"other":1}'], ['{"coupon":"OTHER"}']],
  ['U', 'equals-ignore-case folds Unicode case (ß and SS)', { street: [{ 'equals-ignore-case': 'STRASSE' }] }, ['{"street":"straße"}'], ['{"street":"strasse1"}']],
  ['U', 'a pattern key named like a built-in sees only the event’s own field', { constructor: [{ exists: true }] }, ['{"constructor":"x"}'], ['{}']],
];

const refused: readonly (readonly [source: string, name: string, pattern: string])[] = [
  ['ER', 'an unknown operator', '{"type":[{"contains":"x"}]}'],
  ['ER', 'an unknown operator inside anything-but', '{"type":[{"anything-but":{"numeric":[">",1]}}]}'],
  ['ER', 'anything-but with a mixed list', '{"type":[{"anything-but":["a",1]}]}'],
  ['ER', 'anything-but with an empty list', '{"type":[{"anything-but":[]}]}'],
  ['ER', 'anything-but with a boolean', '{"type":[{"anything-but":true}]}'],
  ['ER', 'consecutive wildcards', '{"key":[{"wildcard":"a**b"}]}'],
  ['ER', 'a wildcard escaping another character', '{"key":[{"wildcard":"a\\\\b"}]}'],
  ['ER', 'a numeric bound beyond ±5.0e9', '{"n":[{"numeric":[">",6e9]}]}'],
  ['L', 'an odd numeric list', '{"n":[{"numeric":[">"]}]}'],
  ['U', 'a numeric range written upper bound first', '{"n":[{"numeric":["<",5,">",1]}]}'],
  ['U', 'a numeric operator that is not one', '{"n":[{"numeric":["!=",1]}]}'],
  ['ER', 'exists that is not a boolean', '{"a":[{"exists":"yes"}]}'],
  ['ER', 'a one-branch $or', '{"$or":[{"a":["x"]}]}'],
  ['U', 'an empty condition list (null is [null])', '{"a":[]}'],
  ['U', 'a nested array', '{"a":[["x"]]}'],
  ['U', 'a condition with two operators', '{"a":[{"prefix":"x","suffix":"y"}]}'],
  ['U', 'an empty pattern', '{}'],
  ['EBO', 'a CIDR block that is not one', '{"ip":[{"cidr":"10.0.0.0/33"}]}'],
  ['L', 'a scalar leaf', '{"type":"order"}'],
  ['L', 'text that is not JSON', '{data:'],
];

describe('event filter conformance (each case cites its source: see the header)', () => {
  it('holds at least 60 documented matching cases and 20 refusals', () => {
    // Assess
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(refused.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('[%s] %s', (_source, _name, pattern, matches, misses) => {
    // Prepare: the pattern as Lambda reads it (parsed from its JSON text), events as the pollers parse data
    const [parsed] = parseFilterCriteria({ Filters: [{ Pattern: JSON.stringify(pattern) }] });
    // Act
    const matched = matches.map((text) => matchesPattern(parsed!, parseJsonKeepingNumbers(text)));
    const missed = misses.map((text) => matchesPattern(parsed!, parseJsonKeepingNumbers(text)));
    // Assess
    expect(matched).toEqual(matches.map(() => true));
    expect(missed).toEqual(misses.map(() => false));
  });

  it.each(refused)('[%s] refuses %s when the mapping is created', (_source, _name, pattern) => {
    // Prepare
    const criteria = { Filters: [{ Pattern: pattern }] };
    // Act
    const parse = () => parseFilterCriteria(criteria);
    // Assess
    expect(parse).toThrow(InvalidFilterPatternError);
  });
});

describe('per-source filtering', () => {
  const sqsFilter = (pattern: object) => recordFilter(parseFilterCriteria({ Filters: [{ Pattern: JSON.stringify(pattern) }] }, 'sqs'), 'sqs');
  const kinesisFilter = (pattern: object) => recordFilter(parseFilterCriteria({ Filters: [{ Pattern: JSON.stringify(pattern) }] }, 'kinesis'), 'kinesis');

  it('[SQS] filters a JSON body with a JSON pattern (RequestCode, RecordNumber > 9999)', () => {
    // Prepare
    const filter = sqsFilter({ body: { RequestCode: ['BBBB'], RecordNumber: [{ numeric: ['>', 9999] }] } });
    // Act
    const results = [
      filter(sqsRecord({ body: '{"RecordNumber":12345,"RequestCode":"BBBB"}' })),
      filter(sqsRecord({ body: '{"RecordNumber":1234,"RequestCode":"BBBB"}' })),
      filter(sqsRecord({ body: '{"RecordNumber":12345,"RequestCode":"AAAA"}' })),
    ];
    // Assess
    expect(results).toEqual([true, false, false]);
  });

  it('[SQS] filters a plain-string body with a plain-string pattern', () => {
    // Prepare
    const filter = sqsFilter({ body: [{ prefix: 'hello' }] });
    // Act
    const results = [filter(sqsRecord({ body: 'hello world' })), filter(sqsRecord({ body: 'goodbye' }))];
    // Assess
    expect(results).toEqual([true, false]);
  });

  it('[SQS] drops a plain-string body met by a JSON pattern, and a JSON body met by a plain-string pattern', () => {
    // Prepare
    const jsonPattern = sqsFilter({ body: { type: [{ exists: false }] } });
    const stringPattern = sqsFilter({ body: [{ exists: false }] });
    // Act
    const results = [jsonPattern(sqsRecord({ body: 'not json' })), stringPattern(sqsRecord({ body: '{"type":"order"}' }))];
    // Assess
    expect(results).toEqual([false, false]);
  });

  it('[SQS] passes every message when the mapping has no filters', () => {
    // Prepare
    const filter = recordFilter([], 'sqs');
    // Act
    const passed = filter(sqsRecord({ body: 'anything' }));
    // Assess
    expect(passed).toBe(true);
  });

  it.each([
    ['sqs', '{"messageAttributes":{"kind":{"stringValue":["order"]}}}'],
    ['sqs', '{"$or":[{"body":{"a":["x"]}},{"awsRegion":["us-east-1"]}]}'],
    ['kinesis', '{"partitionKey":[{"prefix":"room-"}]}'],
    ['kinesis', '{"kinesis":{"partitionKey":["1"]}}'],
  ] as const)('[SQS/KIN] refuses a %s pattern on a key other than the data key: %s', (source, pattern) => {
    // Prepare
    const criteria = { Filters: [{ Pattern: pattern }] };
    // Act
    const parse = () => parseFilterCriteria(criteria, source);
    // Assess
    expect(parse).toThrow(/only support filtering on the/);
  });

  it('[KIN] filters on the decoded data and drops data that is not JSON', () => {
    // Prepare
    const filter = kinesisFilter({ data: { order: { type: ['buy'] } } });
    // Act
    const results = [
      filter(kinesisRecord({ record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } })),
      filter(kinesisRecord({ record: 12346, order: { type: 'sell' } })),
      filter(kinesisRecord('%%% not json')),
    ];
    // Assess
    expect(results).toEqual([true, false, false]);
  });

  it('[KIN] compares numbers in the data by their text, as written by the producer', () => {
    // Prepare
    const filter = kinesisFilter({ data: { quantity: [1000] } });
    // Act
    const results = [filter(kinesisRecord('{"quantity":1000}')), filter(kinesisRecord('{"quantity":1000.0}'))];
    // Assess
    expect(results).toEqual([true, false]);
  });

  it('[L] refuses more than 10 filters (5 by default, 10 with a quota increase)', () => {
    // Prepare
    const criteria = { Filters: Array.from({ length: 11 }, () => ({ Pattern: '{"data":{"a":["x"]}}' })) };
    // Act
    const parse = () => parseFilterCriteria(criteria, 'kinesis');
    // Assess
    expect(parse).toThrow(InvalidFilterPatternError);
  });
});

describe('matchesPattern on events built in code', () => {
  it('compares plain numbers by their JSON text', () => {
    // Prepare
    const pattern: FilterPattern = { data: { amount: [{ numeric: ['>', 0] }], count: [3] } };
    // Act
    const matched = matchesPattern(pattern, { data: { amount: 5, count: 3 } });
    // Assess
    expect(matched).toBe(true);
  });
});
