import { Command } from 'commander';
import { batchCommand } from './commands/batch.ts';
import { applyErrorConventions } from './commands/cli-action.ts';
import { devCommand } from './commands/dev.ts';
import { doctorCommand } from './commands/doctor.ts';
import { initCommand } from './commands/init.ts';
import { sluicePackage } from './package-info.ts';
import { dlqCommand } from './commands/dlq.ts';
import { sendCommand } from './commands/send.ts';
import { statusCommand } from './commands/status.ts';

/**
 * The `sluice` command line. Each command lives in its own module; this file only declares them.
 *
 * @example
 * await buildCli().parseAsync(['node', 'sluice', 'status']);
 */
export function buildCli(): Command {
  const program = new Command('sluice')
    .description('Message-queue batch and stream processing on AWS, runnable locally from the synthesized CDK template')
    .version(sluicePackage().version, '-V, --version', 'print the sluice version');

  program.addCommand(initCommand());
  program.addCommand(devCommand());
  program.addCommand(sendCommand());
  program.addCommand(batchCommand());
  program.addCommand(dlqCommand());
  program.addCommand(statusCommand());
  program.addCommand(doctorCommand());
  // One-line parse errors naming the expected usage, exit 2, on every command.
  applyErrorConventions(program);
  return program;
}
