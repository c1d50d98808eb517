import { execFile } from 'node:child_process';

/** One cfn-lint finding. */
export interface LintFinding {
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly file: string;
  /** `W3005 Resources/OrdersConsumer9C162605/DependsOn/1: 'OrdersConsumerRole…' dependency already enforced …` */
  readonly text: string;
}

/**
 * cfn-lint rules whose findings on sluice's templates are accepted, each with the reason. Anything else
 * at Warning level fails the infra tests just as an Error does.
 */
export const ACKNOWLEDGED_LINT_RULES: Readonly<Record<string, string>> = {
  W3005:
    'aws-cdk-lib adds it: a Lambda Function (and a StateMachine) DependsOn its role as well as the role’s DefaultPolicy, ' +
    'so the policy exists before the first invocation; the role half repeats the Fn::GetAtt dependency, which CloudFormation merges. ' +
    'Removing it would take a raw DependsOn override on every function for no change in behaviour.',
};

/** What cfn-lint said about a set of templates. */
export interface LintResult {
  /** Errors, and warnings not acknowledged: each one fails. */
  readonly errors: LintFinding[];
  /** Acknowledged findings (ACKNOWLEDGED_LINT_RULES), counted. */
  readonly acknowledged: LintFinding[];
  /** One line: templates, errors, acknowledged warnings by rule. */
  readonly summary: string;
}

interface RawFinding {
  Filename: string;
  Level: LintFinding['level'];
  Message: string;
  Location: { Path: (string | number)[] };
  Rule: { Id: string };
}

/**
 * Runs cfn-lint (one process for every file: its start-up is most of its time) and sorts its findings
 * into failures and acknowledged warnings.
 *
 * @example
 * const { errors, summary } = await lintTemplates(ensurePythonTools().cfnLint, ['cdk.out/Sluice.template.json']);
 */
export function lintTemplates(cfnLint: string, files: readonly string[]): Promise<LintResult> {
  if (files.length === 0) return Promise.resolve({ errors: [], acknowledged: [], summary: 'cfn-lint: no templates' });
  return new Promise((resolve, reject) => {
    // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
    execFile(cfnLint, ['--format', 'json', '--', ...files], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code) : 0;
      if (code === 1 || !stdout.trim().startsWith('[')) {
        reject(new Error(`cfn-lint failed (exit ${code}): ${stderr || stdout}`));
        return;
      }
      const findings = (JSON.parse(stdout) as RawFinding[]).map(
        (f): LintFinding => ({ rule: f.Rule.Id, level: f.Level, file: f.Filename, text: `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message} (${f.Filename})` }),
      );
      const acknowledged = findings.filter((f) => f.level !== 'Error' && Object.hasOwn(ACKNOWLEDGED_LINT_RULES, f.rule));
      const errors = findings.filter((f) => !acknowledged.includes(f) && f.level !== 'Informational');
      const byRule = new Map<string, number>();
      for (const f of acknowledged) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
      const ack = [...byRule].map(([rule, n]) => `${n} × ${rule}`).join(', ') || 'none';
      resolve({
        errors,
        acknowledged,
        summary: `cfn-lint: ${files.length} templates, ${errors.length} errors or unacknowledged warnings, acknowledged: ${ack}`,
      });
    });
  });
}
