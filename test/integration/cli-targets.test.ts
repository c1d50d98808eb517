import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveTarget } from '../../local/cli/targets/target.ts';

/** A stand-in for LocalStack's CloudFormation API (awsQuery protocol): knows one stack, `Sluice`. */
function fakeCloudFormation(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push(body);
      const stack = new URLSearchParams(body).get('StackName');
      res.setHeader('content-type', 'text/xml');
      if (stack !== 'Sluice') {
        res.statusCode = 400;
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stack} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
        return;
      }
      res.end(
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
          '<StackName>Sluice</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>' +
          '<member><OutputKey>OrdersQueueUrl</OutputKey><OutputValue>http://localhost:4566/000000000000/orders</OutputValue></member>' +
          '<member><OutputKey>OrderStreamStreamName</OutputKey><OutputValue>order-stream</OutputValue></member>' +
          '</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>',
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

describe('--target localstack: resources from the deployed stack’s outputs at AWS_ENDPOINT_URL', () => {
  let fake: Awaited<ReturnType<typeof fakeCloudFormation>>;

  beforeAll(async () => {
    fake = await fakeCloudFormation();
  });

  afterAll(() => {
    fake.server.close();
  });

  it('reads the outputs with DescribeStacks at AWS_ENDPOINT_URL, with dummy credentials when none are set', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'us-east-1' };
    // Act
    const target = await resolveTarget({ target: 'localstack', stack: 'Sluice' }, env);
    target.close();
    // Assess
    expect(target.outputs).toEqual({ OrdersQueueUrl: 'http://localhost:4566/000000000000/orders', OrderStreamStreamName: 'order-stream' });
    expect(target.description).toBe(`localstack (stack Sluice at ${fake.url})`);
    expect(fake.requests.at(-1)).toContain('Action=DescribeStacks');
    expect(env.AWS_ACCESS_KEY_ID).toBe('test');
  });

  it('says the stack is not deployed and how to fix it', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'us-east-1' };
    // Act
    const resolving = resolveTarget({ target: 'localstack', stack: 'Nope' }, env);
    // Assess
    await expect(resolving).rejects.toThrow(/^stack Nope is not deployed there \(Stack with id Nope does not exist\): deploy it first \(docs\/deploy.md\), or pass --stack <name>$/);
  });
});
