import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createApp, STACK_NAME } from '../../examples/orders/infra/app.ts';

/** Context that skips esbuild bundling: the template is the same, minus the asset contents. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * A fresh app and stack for testing one construct on its own (no cdk-nag, no bundling).
 *
 * @example
 * const stack = newTestStack();
 * new DedupTable(stack, 'Dedup');
 * const template = Template.fromStack(stack);
 */
export function newTestStack(): Stack {
  return new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
}

/**
 * The sample stack's template, synthesized as `cdk synth` does (nag checks included) minus bundling, in the
 * given compliance profile (default: the standard one, as a plain `cdk synth`).
 *
 * @example
 * synthSampleTemplate().resourceCountIs('AWS::SQS::Queue', 2);
 */
export function synthSampleTemplate(compliance?: 'standard' | 'strict'): Template {
  const app = createApp({ context: { ...SKIP_BUNDLING, ...(compliance ? { compliance } : {}) } });
  return Template.fromStack(app.node.findChild(STACK_NAME) as Stack);
}

/** One unacknowledged finding of a validation plugin (a cdk-nag pack, or cfn-guard's Control Tower rules). */
export interface NagFinding {
  /** The plugin: `AwsSolutions`, `NIST.800.53.R5`, …, `cdk-validator-cfnguard`. */
  readonly plugin: string;
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** One `Validations.of(x).acknowledge(...)` in the app. */
export interface NagAcknowledgment {
  readonly id: string;
  readonly reason: string;
  readonly path: string;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; description: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/**
 * Synthesizes the sample app with synthesis failures turned off and returns what its validation plugins
 * reported: cdk-nag 3's packs and cfn-guard's Control Tower rules are CDK policy-validation plugins, so their
 * findings land in the assembly's `validation-report.json` (acknowledged ones are left out) instead of being
 * annotations. The app runs AwsSolutions in every profile, and NIST 800-53 rev 5, HIPAA Security, PCI DSS
 * 3.2.1 and Control Tower under `compliance: 'strict'`. `change` lets a test add a construct to the sample
 * stack first, e.g. to prove a bad resource is caught.
 *
 * @example
 * const { findings } = synthNagReport({ compliance: 'strict' });
 * expect(findings).toEqual([]);
 */
export function synthNagReport(options: { compliance?: 'standard' | 'strict'; change?: (stack: Stack) => void } = {}): {
  findings: NagFinding[];
  acknowledgments: NagAcknowledgment[];
} {
  const app = createApp({
    outdir: mkdtempSync(join(tmpdir(), 'sluice-nag-')),
    context: { ...SKIP_BUNDLING, '@aws-cdk/core:failSynthOnValidationErrors': false, ...(options.compliance ? { compliance: options.compliance } : {}) },
  });
  options.change?.(app.node.findChild(STACK_NAME) as Stack);
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((c) => ({ plugin: plugin.pluginName, rule: violation.ruleName, path: c.constructPath, description: violation.description })),
    ),
  );
  return { findings, acknowledgments: collectAcknowledgments(app) };
}

function collectAcknowledgments(root: IConstruct): NagAcknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Stored as { '<namespace>::<rule id>': reason }; cdk-nag's ids are stored under the annotation namespace.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({ id: key.startsWith('Annotation::') ? key.slice('Annotation::'.length) : key, reason, path: construct.node.path }))
      // CDK acknowledges a few cfn-lint checks of its own constructs (CloudFormation-Validate::W3010 …): not the app's.
      .filter((ack) => !ack.id.startsWith('CloudFormation-Validate::')),
  );
}
