import { availableParallelism } from 'node:os';

/**
 * jest in ESM mode (middy 7 is ESM-only) with the swc transform.
 * Projects keep unit/infra tests free of emulators; only `integration` uses the global setup
 * that starts fauxqs, DynamoDB Local and kinesis-mock once per run.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  // The Orders example imports sluice by its public name (`sluice/queue` …): resolve it to the sources.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'sluice-source'] },
  // Fails a test that leaves Object.prototype (or another shared built-in) changed, e.g. by a `__proto__` key.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/prototype-guard.ts'],
  // Local state (the Python virtualenv, MiniStack's folder, apps `npm run test:localstack` scaffolds) is no source.
  modulePathIgnorePatterns: ['<rootDir>/.sluice/'],
};

export default {
  // jest's default is one worker per core but one (so a single worker on 2 cores). The integration tests spend
  // most of their time waiting on emulators and visibility timeouts, and each one works under its own random
  // name prefix, so two workers overlap that waiting: on 2 cores the suite took 391 s with 2 workers against
  // 1,163 s with 1 (two runs on this tree, the second less loaded; both green).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // A limit on a whole test (and hook), so it must not assume a fast machine: the slowest integration test
  // relying on it takes about 20 s on an idle 2-core machine, and 5 minutes leave room for a machine 5×
  // slower and busy. (jest reads it once for every project; unit tests finish in milliseconds either way.)
  testTimeout: 300_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      // Every synthesized template also goes through cfn-lint, once, after the last infra test.
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/test/helpers/template-recorder.ts'],
      globalSetup: '<rootDir>/test/helpers/infra-global-setup.mjs',
      globalTeardown: '<rootDir>/test/helpers/infra-global-teardown.mjs',
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs',
    },
    // The deployed stacks on a LocalStack-compatible emulator: `npm run test:localstack` (test/localstack/run.ts)
    // deploys them and sets SLUICE_LOCALSTACK_STATE; left out of `npm test`.
    ...(process.env.SLUICE_LOCALSTACK_STATE
      ? [{ ...common, displayName: 'localstack', testMatch: ['<rootDir>/test/localstack/**/*.test.ts'] }]
      : []),
    // The long chaos runs (`npm run test:chaos`), over the same emulators; left out of `npm test`.
    ...(process.env.SLUICE_CHAOS
      ? [{ ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.test.ts'], globalSetup: '<rootDir>/test/helpers/global-setup.mjs', globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs' }]
      : []),
  ],
};
