import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** sluice's own package.json and the folder it is in (the repository, or the installed package). */
export interface SluicePackage {
  readonly root: string;
  readonly name: string;
  readonly version: string;
}

/**
 * Finds sluice's package.json above this module: the same code runs from `local/cli/` in the repository
 * and from `dist/local/cli/` when installed.
 *
 * @example
 * sluicePackage().version; // '0.1.0'
 */
export function sluicePackage(): SluicePackage {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sluice') return { root: dir, name: pkg.name, version: pkg.version ?? '0.0.0' };
    }
    if (dirname(dir) === dir) throw new Error('sluice: cannot find its own package.json');
  }
}
