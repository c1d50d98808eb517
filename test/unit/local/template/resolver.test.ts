import { TemplateResolver } from '../../../../local/template/resolver.ts';

function resolver() {
  const identities: Record<string, { ref: string; attributes: Record<string, string> }> = {
    Queue: { ref: 'http://sqs/000000000000/q', attributes: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', QueueName: 'q' } },
    Table: { ref: 'tbl', attributes: { Arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/tbl' } },
  };
  return new TemplateResolver({ region: 'us-east-1', accountId: '000000000000', stackName: 'local', identityOf: (id) => identities[id], parameterDefault: (n) => (n === 'Stage' ? 'dev' : undefined) });
}

describe('TemplateResolver', () => {
  it('finds Fn::Sub variables and Fn::GetAtt attributes named like built-ins only when the template gives them', () => {
    // Prepare
    const queue = { ref: 'q', attributes: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q' } };
    const named = new TemplateResolver({ region: 'us-east-1', accountId: '000000000000', stackName: 'local', identityOf: (id) => (id === 'Queue' ? queue : undefined) });
    // Act / Assess
    expect(named.resolve({ 'Fn::Sub': ['${constructor}-${toString}', { constructor: 'c', toString: 't' }] })).toBe('c-t');
    expect(() => named.resolve({ 'Fn::Sub': ['${toString}', {}] })).toThrow('cannot resolve Ref toString: no such local resource or parameter');
    expect(() => named.resolve({ 'Fn::GetAtt': ['Queue', 'constructor'] })).toThrow('cannot resolve Fn::GetAtt Queue.constructor locally');
  });

  it('resolves Ref, Fn::GetAtt (both forms), pseudo parameters and parameter defaults', () => {
    // Act
    const out = resolver().resolve({
      url: { Ref: 'Queue' },
      arn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      name: { 'Fn::GetAtt': 'Queue.QueueName' },
      region: { Ref: 'AWS::Region' },
      stage: { Ref: 'Stage' },
    });
    // Assess
    expect(out).toEqual({ url: 'http://sqs/000000000000/q', arn: 'arn:aws:sqs:us-east-1:000000000000:q', name: 'q', region: 'us-east-1', stage: 'dev' });
  });

  it('resolves Fn::Join, Fn::Sub (with variables, attributes and escapes), Fn::Select and Fn::Split', () => {
    // Act
    const out = resolver().resolve([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] },
      { 'Fn::Sub': 'table ${Table} in ${AWS::Region} at ${Table.Arn} ${!Literal}' },
      { 'Fn::Sub': ['${Who} reads ${Table}', { Who: { Ref: 'Queue' } }] },
      { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
    ]);
    // Assess
    expect(out).toEqual([
      'arn:aws:x',
      'table tbl in us-east-1 at arn:aws:dynamodb:us-east-1:000000000000:table/tbl ${Literal}',
      'http://sqs/000000000000/q reads tbl',
      'b',
    ]);
  });

  it('refuses what it cannot resolve instead of guessing', () => {
    // Act / Assess
    expect(() => resolver().resolve({ Ref: 'Missing' })).toThrow('cannot resolve Ref Missing');
    expect(() => resolver().resolve({ 'Fn::GetAtt': ['Queue', 'Nope'] })).toThrow('Fn::GetAtt Queue.Nope');
    expect(() => resolver().resolve({ 'Fn::ImportValue': 'x' })).toThrow('not supported');
  });
});
