import { fileURLToPath } from 'node:url';

/** The repository root: benchmarks read and write paths relative to it whatever the working directory. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
