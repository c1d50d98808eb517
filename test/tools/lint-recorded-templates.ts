/**
 * Runs cfn-lint on every template a jest run recorded (test/helpers/template-recorder.ts), once, at the
 * end of the infra tests (test/helpers/infra-global-teardown.mjs). Exits 1 on any error or unacknowledged
 * warning, printing each; prints one summary line either way.
 * Usage: node --import tsx test/tools/lint-recorded-templates.ts <folder of *.json templates>
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintTemplates } from './cfn-lint.ts';
import { ensurePythonTools } from './python-tools.ts';

const folder = process.argv[2];
if (!folder) throw new Error('usage: lint-recorded-templates.ts <folder>');
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(folder, f));
const { cfnLint } = ensurePythonTools((line) => console.log(line));
const result = await lintTemplates(cfnLint, files);
for (const finding of result.errors) console.error(finding.text);
console.log(result.summary);
process.exitCode = result.errors.length > 0 ? 1 : 0;
