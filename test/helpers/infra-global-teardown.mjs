// Plain JS on purpose: jest loads global teardown outside its ESM transform pipeline.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * cfn-lint (pinned, in the project's virtualenv) on every template the infra tests synthesized: an error or
 * an unacknowledged warning fails the run (test/tools/cfn-lint.ts lists the acknowledged rules and why).
 */
export default function infraGlobalTeardown() {
  const folder = process.env.SLUICE_TEMPLATE_RECORD_DIR;
  if (!folder) return;
  try {
    if (readdirSync(folder).length === 0) return;
    const lint = spawnSync(process.execPath, ['--import', 'tsx', 'test/tools/lint-recorded-templates.ts', folder], { cwd: root, stdio: 'inherit' });
    if (lint.status !== 0) throw new Error(`cfn-lint found problems in the templates the infra tests synthesized (exit ${lint.status}): see above`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
