import fc from 'fast-check';
import { parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { JobSpecError } from '../../../shared/errors.ts';
import { jobSpecInput } from '../../helpers/batch-records.ts';

const FIELDS = ['jobId', 'input', 'partition', 'sort', 'groupBy', 'aggregates', 'output', 'badRecordPolicy', 'distinctLimit'] as const;

/** A value of the wrong kind or out of range for most fields of a spec. */
const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.integer({ min: -10, max: 20_000 }),
  fc.double(),
  fc.string({ maxLength: 90 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Specs that are wrong somewhere: anything at all, or a valid spec with one field (or nested field) spoiled, removed or added. */
const badSpec: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.tuple(fc.constantFrom(...FIELDS), oddValue).map(([field, value]) => ({ ...jobSpecInput(), [field]: value })),
  fc.constantFrom(...FIELDS).map((field) => ({ ...jobSpecInput(), [field]: undefined })),
  fc.string({ minLength: 1, maxLength: 12 }).map((field) => ({ ...jobSpecInput(), [`x${field}`]: 1 })),
  fc.tuple(fc.constantFrom('key', 'count', 'ranges'), oddValue).map(([field, value]) => ({ ...jobSpecInput(), partition: { key: 'k', count: 4, [field]: value } })),
  fc.tuple(fc.constantFrom('count', 'sum', 'min', 'max', 'mean', 'distinct', 'topK', 'median'), oddValue).map(([op, value]) => ({ ...jobSpecInput(), aggregates: [{ op, field: value, k: value }] })),
  fc.array(fc.oneof(fc.integer(), fc.string()), { minLength: 2, maxLength: 6 }).map((ranges) => ({ ...jobSpecInput(), partition: { key: 'k', ranges } })),
);

let generated = 0;

describe('batch job specs under fuzzing (fast-check)', () => {
  afterAll(() => {
    expect(generated).toBeGreaterThanOrEqual(1_000);
    process.stdout.write(`job spec fuzz: ${generated} generated specs\n`);
  });

  it('accepts a spec or refuses it with a JobSpecError that names the bad field, and never throws anything else', () => {
    fc.assert(
      fc.property(badSpec, (spec) => {
        // Prepare
        generated += 1;

        // Act
        let outcome: unknown;
        try {
          outcome = parseJobSpec(spec);
        } catch (err) {
          outcome = err;
        }

        // Assess
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(JobSpecError);
          expect(outcome.message).toMatch(/^invalid batch job spec: ([\w.]+|\(spec\)): /);
        } else {
          // Whatever passes is a complete spec with its defaults filled in.
          expect(outcome).toMatchObject({ jobId: expect.any(String), badRecordPolicy: expect.stringMatching(/^(skip|fail)$/) });
        }
      }),
      { numRuns: 1_500, seed: 20261128 },
    );
  });
});
