import type { Command } from 'commander';
import { planSimulation } from '../../simulate.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

/** `meshsim validate`: the diagnostics of FILE(s) and a one-line count; exit 1 on any error. */
export function addValidateCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('validate')
    .description('check FILE(s) as Istio and meshsim would; exit 1 on any error')
    .argument('<files...>', 'YAML or JSON files: Istio resources, a Scenario, or an Envoy config dump')
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .action((files: string[], options: { strict?: boolean }) => {
      const spec = { config: readSources(files), ...(options.strict === true ? { strict: true } : {}) };
      const { diagnostics } = planSimulation(spec, { requireScenario: false });
      printDiagnostics(io, diagnostics);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      writeOutput(io, `${files.join(', ')}: ${errors} error(s), ${warnings} warning(s)\n`);
      if (errors > 0) context.exitCode = 1;
    });
}
