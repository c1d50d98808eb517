import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { DoctorFinding, DoctorTemplate } from '../doctor/checks.ts';
import { runDoctor, type DoctorClients } from '../doctor/run-doctor.ts';
import { clearEndpointOverrides, resolveTarget, serviceClientConfig } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { formatTable } from '../table.ts';
import { UsageError } from './usage-error.ts';

/**
 * The findings as a table, then what to do about each one that is not ok.
 *
 * @example
 * console.log(formatFindings(findings));
 */
export function formatFindings(findings: readonly DoctorFinding[]): string {
  const table = formatTable([['check', 'status', 'detail'], ...findings.map((f) => [f.check, f.status.toUpperCase(), f.detail])], { right: [] });
  const fixes = findings.filter((f) => f.fix && f.status !== 'ok').map((f) => `- ${f.check}: ${f.fix}`);
  return fixes.length > 0 ? `${table}\n\nto fix:\n${fixes.join('\n')}` : table;
}

/**
 * `sluice doctor`: read-only checks of an account and a deployed stack before or after a deploy (Lambda
 * concurrency quota against the stack's needs, CDK bootstrap version, Step Functions state-transition quota
 * and throttling, alarm actions, alarm topic subscriptions). Exits 1 when a check fails. On `--target local`
 * it asks the local runtime's control plane. `--template cdk.out/<stack>.template.json` checks the account
 * before the first deploy.
 *
 * @example
 * sluice doctor --target aws
 * sluice doctor --target aws --template cdk.out/Sluice.template.json
 */
export function doctorCommand(): Command {
  return withTargetOptions(
    new Command('doctor').description('check the account and the deployed stack: Lambda concurrency, CDK bootstrap, Step Functions transitions, alarms and their subscribers (read-only)').option('--json', 'print JSON')
      .option('--template <file>', 'before the first deploy: the synthesized template to check the account against (aws)'),
  ).action(
    cliAction(async (opts: TargetCliOptions & { json?: boolean; template?: string }) => {
      if (opts.template !== undefined && opts.target !== 'aws') throw new UsageError('--template checks an account before a deploy: use it with --target aws');
      const template = opts.template === undefined ? undefined : readTemplate(opts.template);
      if (template) clearEndpointOverrides(process.env);
      const target = template
        ? { name: opts.target, description: `aws (before deploying ${opts.stack}, template ${opts.template})`, outputs: {}, close: () => undefined }
        : await resolveTarget(targetOptions(opts));
      const clients: DoctorClients = {
        cloudformation: new CloudFormationClient(serviceClientConfig(target.name, 'CLOUDFORMATION')),
        cloudwatch: new CloudWatchClient(serviceClientConfig(target.name, 'CLOUDWATCH')),
        lambda: new LambdaClient(serviceClientConfig(target.name, 'LAMBDA')),
        ssm: new SSMClient(serviceClientConfig(target.name, 'SSM')),
        sns: new SNSClient(serviceClientConfig(target.name, 'SNS')),
      };
      try {
        const findings = await runDoctor(clients, { stack: opts.stack, outputs: target.outputs, skipBootstrap: target.name === 'local', ...(template ? { template } : {}) });
        if (opts.json) console.log(JSON.stringify({ target: target.name, findings }, null, 2));
        else console.log(`${target.description}\n\n${formatFindings(findings)}`);
        if (findings.some((f) => f.status === 'fail')) process.exitCode = 1;
      } finally {
        for (const client of Object.values(clients)) client.destroy();
        target.close();
      }
    }),
  );
}

function readTemplate(file: string): DoctorTemplate {
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--template ${file}: ${(err as Error).message} (run npx cdk synth first)`);
  }
  if (typeof template !== 'object' || template === null || typeof (template as { Resources?: unknown }).Resources !== 'object') {
    throw new UsageError(`--template ${file}: not a CloudFormation template (no Resources)`);
  }
  return template as DoctorTemplate;
}
