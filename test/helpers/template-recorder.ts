import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Infra tests only (jest `setupFilesAfterEnv`): keeps a copy of every template a test synthesizes with
 * `Template.fromStack`, named by its content hash, in the folder test/helpers/infra-global-setup.mjs made;
 * the infra project's global teardown runs cfn-lint on all of them at once.
 */
const folder = process.env.SLUICE_TEMPLATE_RECORD_DIR;
if (folder) {
  const fromStack = Template.fromStack.bind(Template);
  Template.fromStack = (...args: Parameters<typeof Template.fromStack>): Template => {
    const template = fromStack(...args);
    const body = JSON.stringify(template.toJSON());
    writeFileSync(join(folder, `${createHash('sha256').update(body).digest('hex').slice(0, 16)}.json`), body);
    return template;
  };
}
