import type { Command } from 'commander';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

/** `meshsim validate`: the diagnostics of FILE(s) and a count; exit 1 on any error. */
export function addValidateCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('validate')
    .description(
      'check FILE(s) as Istio and meshsim would, each file holding a Scenario on its own; exit 1 on any error',
    )
    .argument(
      '<files...>',
      'YAML or JSON files ("-": stdin): Istio resources, a Scenario, or an Envoy config dump',
    )
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .action(async (files: string[], options: { strict?: boolean }) => {
      // Loaded when the command runs: the other commands start without the validator.
      const { distinctDiagnostics, validateSummary, validateWorlds } = await import('../validate-worlds.js');
      const sources = readSources(files);
      const worlds = validateWorlds(sources, options.strict === true);
      const diagnostics = distinctDiagnostics(worlds);
      printDiagnostics(io, diagnostics);
      writeOutput(
        io,
        validateSummary(
          sources.map((s) => s.file),
          worlds,
        ),
      );
      if (diagnostics.some((d) => d.severity === 'error')) context.exitCode = 1;
    });
}
