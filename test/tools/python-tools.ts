import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REQUIREMENTS = join(PROJECT_ROOT, 'test/tools/requirements.txt');

/** Where the project-local virtualenv lives (`.sluice/` is git-ignored). */
export const VENV_DIR = join(PROJECT_ROOT, '.sluice/python');

/** The executables the tests use from the virtualenv. */
export interface PythonTools {
  readonly ministack: string;
  readonly cfnLint: string;
}

function toolsIn(venv: string): PythonTools {
  return { ministack: join(venv, 'bin/ministack'), cfnLint: join(venv, 'bin/cfn-lint') };
}

/**
 * The pinned Python tools (MiniStack, cfn-lint) from test/tools/requirements.txt, installed into
 * `.sluice/python` with `python3 -m venv` + `pip install -r` the first time and whenever the pins change
 * (the installed pins are kept beside the venv and compared). Needs `python3` ≥ 3.10 with the
 * `venv` module and PyPI; ~30 s the first time, nothing afterwards.
 *
 * @example
 * const { cfnLint } = ensurePythonTools();
 */
export function ensurePythonTools(log: (line: string) => void = () => {}): PythonTools {
  // The pins only: a comment changed in the file does not reinstall.
  const wanted = readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .join('\n');
  const stamp = join(VENV_DIR, 'sluice-requirements.txt');
  const tools = toolsIn(VENV_DIR);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(tools.ministack) && existsSync(tools.cfnLint)) return tools;
  log(`installing the pinned Python tools (test/tools/requirements.txt) into ${VENV_DIR}`);
  rmSync(VENV_DIR, { recursive: true, force: true });
  mkdirSync(join(VENV_DIR, '..'), { recursive: true });
  const python = process.env.PYTHON ?? 'python3';
  execFileSync(python, ['-m', 'venv', VENV_DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
  // --no-compile: byte-compiling sympy (a cfn-lint dependency) is most of a fresh install's time; Python
  // compiles what it imports on first use instead.
  const pip = spawnSync(join(VENV_DIR, 'bin/pip'), ['install', '--quiet', '--no-compile', '--disable-pip-version-check', '-r', REQUIREMENTS], { encoding: 'utf8' });
  if (pip.status !== 0) throw new Error(`pip install -r ${REQUIREMENTS} failed (exit ${pip.status}):\n${pip.stdout}${pip.stderr}`);
  writeFileSync(stamp, wanted);
  return tools;
}
