import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { applyProcessEnvironment, withProcessEnvironment } from '../../../../local/runtime/process-environment.ts';

const NAME = 'SLUICE_TEST_PROCESS_ENVIRONMENT';
const OTHER = 'SLUICE_TEST_PROCESS_ENVIRONMENT_OTHER';

/** A DynamoDB look-alike that answers every request with an empty table list and counts them. */
async function fakeDynamoDb(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits += 1;
    request.resume();
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('applyProcessEnvironment (the one place the local runtime writes process.env)', () => {
  afterEach(() => {
    delete process.env[NAME];
    delete process.env[OTHER];
  });

  it('puts every variable back as it was, unset ones unset, once its layer is removed', () => {
    // Prepare
    process.env[NAME] = 'before';
    const before = { ...process.env };
    // Act
    const restore = applyProcessEnvironment({ [NAME]: 'during', [OTHER]: 'added' });
    const during = { name: process.env[NAME], other: process.env[OTHER] };
    restore();
    restore();
    // Assess
    expect(during).toEqual({ name: 'during', other: 'added' });
    expect(process.env).toEqual(before);
    expect(Object.hasOwn(process.env, OTHER)).toBe(false);
  });

  it('keeps a later layer’s value when an earlier layer goes first, and the original once both are gone', () => {
    // Prepare: two runtimes in one process, stopped in the order they started
    process.env[NAME] = 'original';
    const first = applyProcessEnvironment({ [NAME]: 'first' });
    const second = applyProcessEnvironment({ [NAME]: 'second', [OTHER]: 'second' });
    // Act
    first();
    const afterFirst = process.env[NAME];
    second();
    // Assess
    expect(afterFirst).toBe('second');
    expect(process.env[NAME]).toBe('original');
    expect(process.env[OTHER]).toBeUndefined();
  });

  it('falls back to the earlier layer when the later one goes first', async () => {
    // Prepare: a function module loads while a runtime runs
    const runtime = applyProcessEnvironment({ [NAME]: 'runtime' });
    // Act
    const seenDuringLoad = await withProcessEnvironment({ [NAME]: 'function' }, async () => process.env[NAME]);
    const afterLoad = process.env[NAME];
    runtime();
    // Assess
    expect({ seenDuringLoad, afterLoad }).toEqual({ seenDuringLoad: 'function', afterLoad: 'runtime' });
    expect(process.env[NAME]).toBeUndefined();
  });

  it('removes its variables when the work it wraps fails', async () => {
    // Act
    const failing = withProcessEnvironment({ [NAME]: 'loading' }, async () => {
      throw new Error('the module failed to load');
    });
    // Assess
    await expect(failing).rejects.toThrow('the module failed to load');
    expect(process.env[NAME]).toBeUndefined();
  });
});

describe('why the runtime keeps the emulator endpoints in process.env while it runs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('an AWS SDK v3 client reads AWS_ENDPOINT_URL_<SERVICE> at its first request, not when a module builds it, and keeps it', async () => {
    // Prepare: a client built at "module load" under one endpoint, as a handler module builds it
    const [atLoad, atFirstRequest] = [await fakeDynamoDb(), await fakeDynamoDb()];
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: atLoad.url });
    const client = new DynamoDBClient({});
    try {
      // Act: the first request comes later, during an invocation, under the environment of that moment
      process.env.AWS_ENDPOINT_URL_DYNAMODB = atFirstRequest.url;
      await client.send(new ListTablesCommand({}));
      process.env.AWS_ENDPOINT_URL_DYNAMODB = atLoad.url;
      await client.send(new ListTablesCommand({}));
      // Assess
      expect({ atLoad: atLoad.hits(), atFirstRequest: atFirstRequest.hits() }).toEqual({ atLoad: 0, atFirstRequest: 2 });
    } finally {
      client.destroy();
      await atLoad.close();
      await atFirstRequest.close();
    }
  });
});
