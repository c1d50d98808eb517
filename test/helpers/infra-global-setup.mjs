// Plain JS on purpose: jest loads global setup outside its ESM transform pipeline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder for the templates the infra tests synthesize (test/helpers/template-recorder.ts); workers inherit the variable. */
export default function infraGlobalSetup() {
  process.env.SLUICE_TEMPLATE_RECORD_DIR = mkdtempSync(join(tmpdir(), 'sluice-templates-'));
}
