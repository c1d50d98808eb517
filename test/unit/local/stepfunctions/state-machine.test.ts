import type { LocalStateMachineOptions } from '../../../../local/stepfunctions/state-machine.ts';
import type { AslDefinition } from '../../../../local/stepfunctions/definition.ts';
import { batchItems } from '../../../../local/stepfunctions/item-batcher.ts';
import { fakeFunction, namedError } from '../../../helpers/batch-local-functions.ts';
import { machineWith as testMachine, runToEnd as run } from './test-machine.ts';

/** Retries wait 1 ms here: these tests are about what is retried, not when. */
const machineWith = (definition: AslDefinition, fns: ReturnType<typeof fakeFunction>[], options: Partial<LocalStateMachineOptions> = {}) =>
  testMachine(definition, fns, { retryIntervalMs: 1, ...options });

describe('local state machine: Lambda tasks', () => {
  it('wraps lambda:invoke results in Lambda’s Invoke response, as AWS does', async () => {
    // Prepare
    const double = fakeFunction('double', async (event) => ({ n: (event as { n: number }).n * 2 }));
    const machine = machineWith(
      {
        StartAt: 'Double',
        States: { Double: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: double.arn, 'Payload.$': '$' }, End: true } },
      },
      [double],
    );
    // Act
    const execution = await run(machine, { n: 21 });
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ Payload: { n: 42 }, StatusCode: 200, ExecutedVersion: '$LATEST' });
  });

  it('names a function error by its errorType, with Lambda’s JSON cause, so Catch can route it', async () => {
    // Prepare
    const failing = fakeFunction('failing', async () => {
      throw namedError('BadRecordError', 'input line 7: not JSON');
    });
    const machine = machineWith(
      {
        StartAt: 'Work',
        States: {
          Work: { Type: 'Task', Resource: failing.arn, Catch: [{ ErrorEquals: ['BadRecordError'], ResultPath: '$.error', Next: 'Caught' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
      [failing],
    );
    // Act
    const execution = await run(machine, {});
    // Assess
    const output = JSON.parse(execution.output!);
    expect(output.error.Error).toBe('BadRecordError');
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'BadRecordError', errorMessage: 'input line 7: not JSON' });
  });

  it('retries transient errors up to MaxAttempts and fails with the last error after that', async () => {
    // Prepare
    let attempts = 0;
    const flaky = fakeFunction('flaky', async () => {
      attempts += 1;
      if (attempts <= 2) throw namedError('Lambda.ServiceException');
      return 'ok';
    });
    const retry = [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2 }];
    const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: flaky.arn, Retry: retry, End: true } } };
    // Act
    const recovered = await run(machineWith(definition, [flaky]), {});
    attempts = -10;
    const exhausted = await run(machineWith({ ...definition, States: { Work: { ...definition.States.Work, Retry: [{ ...retry[0]!, MaxAttempts: 1 }] } } }, [flaky]), {});
    // Assess: 30 s backoff compressed by retryIntervalMs
    expect(recovered).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
    expect(exhausted).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
  });

  it('times a Task out with States.Timeout after TimeoutSeconds', async () => {
    // Prepare
    const slow = fakeFunction('slow', () => new Promise((resolve) => setTimeout(resolve, 1_500)));
    const machine = machineWith({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: slow.arn, TimeoutSeconds: 1, End: true } } }, [slow]);
    // Act
    const execution = await run(machine, {});
    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('returns the running execution for the same name and input, and refuses a reused name otherwise', async () => {
    // Prepare: the task runs until the test lets it finish, so the execution is certainly still running
    let finish: (value: number) => void = () => undefined;
    const gate = new Promise<number>((resolve) => (finish = resolve));
    const held = fakeFunction('held', () => gate);
    const machine = machineWith({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: held.arn, End: true } } }, [held]);
    // Act
    const first = await machine.start({ a: 1 }, 'job');
    const again = await machine.start({ a: 1 }, 'job');
    const other = machine.start({ a: 2 }, 'job');
    // Assess
    expect(again).toBe(first);
    await expect(other).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(machine.describe(first).status).toBe('RUNNING');
    finish(1);
    await machine.wait(first);
    await expect(machine.start({ a: 1 }, 'job')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});

describe('local state machine: Distributed Map', () => {
  const distributedMap = (extra: Record<string, unknown>, worker: string) => ({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: worker, End: true } } },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
        End: true,
        ...extra,
      },
      Caught: { Type: 'Pass', End: true },
    },
  });

  it('batches selected items with BatchInput and runs one child execution per batch, results in item order', async () => {
    // Prepare
    const worker = fakeFunction('worker', async (event) => event);
    const definition = distributedMap(
      { ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' }, ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } } },
      worker.arn,
    );
    // Act
    const execution = await run(machineWith(definition, [worker]), { tag: 't', items: ['a', 'b', 'c'] });
    // Assess
    expect(JSON.parse(execution.output!)).toEqual([
      { BatchInput: { tag: 't' }, Items: [{ v: 'a', i: 0 }, { v: 'b', i: 1 }] },
      { BatchInput: { tag: 't' }, Items: [{ v: 'c', i: 2 }] },
    ]);
    expect(worker.calls).toHaveLength(2);
  });

  it('tolerates failed children up to ToleratedFailurePercentage and fails the map beyond it', async () => {
    // Prepare: one child in four fails
    const worker = fakeFunction('worker', async (event) => {
      if (event === 3) throw namedError('Boom');
      return event;
    });
    // Act
    const tolerated = await run(machineWith(distributedMap({ ToleratedFailurePercentage: 25 }, worker.arn), [worker]), { items: [1, 2, 3, 4] });
    const strict = await run(machineWith(distributedMap({}, worker.arn), [worker]), { items: [1, 2, 3, 4] });
    // Assess
    expect(JSON.parse(tolerated.output!)).toEqual([1, 2, { Error: 'Boom', Cause: expect.stringContaining('"errorType":"Boom"') }, 4]);
    expect(JSON.parse(strict.output!).error.Error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('splits batches at MaxInputBytesPerBatch', () => {
    // Act
    const batches = batchItems(['aaaa', 'bbbb', 'cccc'], { MaxInputBytesPerBatch: JSON.stringify({ Items: ['aaaa', 'bbbb'] }).length });
    // Assess
    expect(batches).toEqual([{ Items: ['aaaa', 'bbbb'] }, { Items: ['cccc'] }]);
  });
});
