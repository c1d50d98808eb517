import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Command } from 'commander';
import type { DoctorFinding } from '../doctor/checks.ts';
import { runDoctor, type DoctorClients } from '../doctor/run-doctor.ts';
import { resolveTarget, serviceClientConfig } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { formatTextTable } from './text-table.ts';

/**
 * The findings as a table, then what to do about each one that is not ok.
 *
 * @example
 * console.log(formatFindings(findings));
 */
export function formatFindings(findings: readonly DoctorFinding[]): string {
  const table = formatTextTable([['check', 'status', 'detail'], ...findings.map((f) => [f.check, f.status.toUpperCase(), f.detail])]);
  const fixes = findings.filter((f) => f.fix && f.status !== 'ok').map((f) => `- ${f.check}: ${f.fix}`);
  return fixes.length > 0 ? `${table}\n\nto fix:\n${fixes.join('\n')}` : table;
}

/**
 * `sluice doctor`: read-only checks of an account and a deployed stack before or after a deploy (Lambda
 * concurrency quota against the stack's needs, CDK bootstrap version, Step Functions state-transition quota
 * and throttling, alarm actions, alarm topic subscriptions). Exits 1 when a check fails. On `--target local` it asks the local runtime's control plane.
 *
 * @example
 * sluice doctor --target aws
 */
export function doctorCommand(): Command {
  return withTargetOptions(
    new Command('doctor').description('check the account and the deployed stack: Lambda concurrency, CDK bootstrap, Step Functions transitions, alarms and their subscribers (read-only)').option('--json', 'print JSON'),
  ).action(
    cliAction(async (opts: TargetCliOptions & { json?: boolean }) => {
      const target = await resolveTarget(targetOptions(opts));
      const clients: DoctorClients = {
        cloudformation: new CloudFormationClient(serviceClientConfig(target.name, 'CLOUDFORMATION')),
        cloudwatch: new CloudWatchClient(serviceClientConfig(target.name, 'CLOUDWATCH')),
        lambda: new LambdaClient(serviceClientConfig(target.name, 'LAMBDA')),
        ssm: new SSMClient(serviceClientConfig(target.name, 'SSM')),
        sns: new SNSClient(serviceClientConfig(target.name, 'SNS')),
      };
      try {
        const findings = await runDoctor(clients, { stack: opts.stack, outputs: target.outputs, skipBootstrap: target.name === 'local' });
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
