import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, STACK_NAME } from '../../examples/orders/infra/app.ts';
import { ACCESS_LOGS_BUCKET_CONTEXT_KEY } from '../../infra/index.ts';
import { SKIP_BUNDLING } from './helpers.ts';

/**
 * The Control Tower proactive controls as a deploy hook would apply them: the bare cfn-guard binary and rules
 * that `@cdklabs/cdk-validator-cfnguard` ships, on the synthesized template. Unlike the CDK plugin (nag.test.ts),
 * bare cfn-guard reads no acknowledgment, so what it reports here is what Control Tower would block.
 */
const VALIDATOR = 'node_modules/@cdklabs/cdk-validator-cfnguard';
const GUARD_BINARY = `${VALIDATOR}/bin/${platform() === 'darwin' ? 'macos' : 'ubuntu'}/${arch() === 'arm64' ? 'aarch64' : 'x86_64'}/cfn-guard`;

interface GuardFailure {
  readonly rule: string;
  readonly resource: string;
}

/** Runs every Control Tower guard rule on the strict sample template synthesized with `context`; returns what failed. */
function controlTowerFailures(context: Record<string, string>): GuardFailure[] {
  const app = createApp({ context: { ...SKIP_BUNDLING, compliance: 'strict', ...context } });
  const template = Template.fromStack(app.node.findChild(STACK_NAME) as Stack).toJSON();
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-guard-')), 'Sluice.template.json');
  writeFileSync(file, JSON.stringify(template));
  let output: string;
  try {
    output = execFileSync(GUARD_BINARY, ['validate', '-d', file, '-r', `${VALIDATOR}/rules/control-tower`, '--output-format', 'json', '--show-summary', 'none'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    // cfn-guard exits 19 when a rule fails; its report is still on stdout.
    output = (err as { stdout?: string }).stdout ?? '';
    if (!output) throw err;
  }
  // One JSON document per rule file, concatenated.
  const reports = JSON.parse(`[${output.trim().replace(/\}\s*\{/g, '},{')}]`) as {
    status: string;
    not_compliant: { Rule?: { name: string; checks: unknown[] } }[];
  }[];
  return reports
    .filter((report) => report.status === 'FAIL')
    .flatMap((report) =>
      report.not_compliant.flatMap(({ Rule }) => {
        const paths = JSON.stringify(Rule?.checks ?? []).match(/\/Resources\/([A-Za-z0-9]+)/g) ?? [];
        return [...new Set(paths)].map((path) => ({ rule: Rule?.name ?? 'unknown', resource: path.slice('/Resources/'.length) }));
      }),
    );
}

describe('Control Tower proactive controls on the strict sample template (bare cfn-guard, no acknowledgments)', () => {
  it("report no failure when the account's access-log bucket is brought by name", () => {
    // Act
    const failures = controlTowerFailures({ [ACCESS_LOGS_BUCKET_CONTEXT_KEY]: 'acme-s3-access-logs-111122223333-eu-west-1' });

    // Assess
    expect(failures).toEqual([]);
  });

  it('fail only on the access-log bucket the batch job creates when none is brought, and on none of its rules but the three S3 forbids', () => {
    // Act
    const failures = controlTowerFailures({});

    // Assess
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((f) => f.resource))).toEqual(new Set([expect.stringMatching(/^BatchAccessLogs[0-9A-F]{8}$/)]));
    expect(new Set(failures.map((f) => f.rule))).toEqual(
      new Set(['s3_bucket_logging_enabled_check', 's3_bucket_default_encryption_kms_check', 's3_bucket_object_lock_enabled_check']),
    );
  });
});
