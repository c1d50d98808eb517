import { z } from 'zod';
import { formatSchemaIssues, schemaIssues } from '../../../shared/schema.ts';
import { parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { readWindowState } from '../../../shared/stream/window-state.ts';

describe('formatSchemaIssues', () => {
  it('writes path: message per issue, joined by "; ", with object path segments read by their key', () => {
    // Prepare: a Standard Schema may give path segments as `{ key }` objects, zod gives bare keys
    const issues = [
      { message: 'Required', path: ['customer', { key: 'id' }, 0] },
      { message: 'Expected object', path: [] },
    ];
    // Act
    const text = formatSchemaIssues(issues, '(spec)');
    // Assess
    expect(text).toBe('customer.id.0: Required; (spec): Expected object');
    expect(schemaIssues(issues)).toEqual([
      { path: 'customer.id.0', message: 'Required' },
      { path: '', message: 'Expected object' },
    ]);
  });

  it('names a root issue (root) unless told what the value is', () => {
    // Prepare
    const parsed = z.object({ n: z.number() }).safeParse('not an object');
    // Act / Assess
    expect(parsed.success).toBe(false);
    expect(formatSchemaIssues(parsed.error!.issues)).toMatch(/^\(root\): /);
  });

  it('is the text a bad job spec and a foreign window state are reported with', () => {
    // Act
    const spec = () => parseJobSpec({ jobId: 'j' });
    const state = readWindowState({ sluice: 'other' });
    // Assess
    expect(spec).toThrow(/^invalid batch job spec: [\w.]+: .+(; [\w.()]+: .+)*$/);
    expect(state).toMatchObject({ kind: 'foreign', problem: expect.stringMatching(/^[\w.()]+: /) });
  });
});
