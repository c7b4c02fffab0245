import { type Command, Option } from 'commander';
import { hasErrors } from '../../config/resources/diagnostics.js';
import { type LoadedConfig, loadConfig } from '../../config/resources/load.js';
import { explainEnvoyConfig } from '../../explain/envoy-config.js';
import { explainConfig } from '../../explain/explain.js';
import { formatEnvoyConfigTable } from '../../explain/format-envoy-table.js';
import { formatExplanationTable } from '../../explain/format-table.js';
import { collectLabel, parseIstioVersion } from '../option-values.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

interface ExplainOptions {
  format: 'table' | 'json';
  namespace?: string;
  istioVersion?: string;
  locality?: string;
  label?: Record<string, string>;
}

/** Explains an Envoy config (a config dump, a bootstrap) as it is, values at their JSON paths. */
function explainEnvoyInput(
  context: CommandContext,
  loaded: LoadedConfig,
  format: ExplainOptions['format'],
): void {
  const explanation = explainEnvoyConfig(loaded)!;
  if (hasErrors(explanation.diagnostics)) {
    printDiagnostics(context.io, explanation.diagnostics);
    context.exitCode = 1;
    return;
  }
  writeOutput(
    context.io,
    format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : formatEnvoyConfigTable(explanation),
  );
}

/** `meshsim explain`: the Envoy clusters and routes FILE(s) give a sidecar, each value with its source. */
export function addExplainCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('explain')
    .description(
      'print the Envoy clusters and routes a sidecar gets from FILE(s), each value with where it came from',
    )
    .argument(
      '<files...>',
      'YAML or JSON files: ServiceEntry, DestinationRule, VirtualService (a Scenario is optional), or one Envoy config dump',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('-n, --namespace <namespace>', "the caller's namespace (default: the Scenario's, else default)")
    .option(
      '--istio-version <version>',
      "the caller's Istio release, for version-dependent defaults (default: the Scenario's, else the current one)",
      parseIstioVersion,
    )
    .option('--locality <region/zone/subzone>', "the caller's locality, for failover priorities")
    .option(
      '--label <key=value>',
      "a pod label of the caller, repeatable: sourceLabels matches and failoverPriority (default: the Scenario's proxy.labels)",
      collectLabel,
    )
    .action((files: string[], options: ExplainOptions) => {
      const { format, label, ...rest } = options;
      const proxy = label === undefined ? rest : { ...rest, labels: label };
      const loaded = loadConfig(readSources(files));
      // An Envoy config is explained as it is; Istio resources as istiod would translate them.
      if (loaded.envoyConfigs.length > 0) {
        explainEnvoyInput(context, loaded, format);
        return;
      }
      const explanation = explainConfig(loaded, {
        ...proxy,
        origin: 'command line',
      });
      if (hasErrors(explanation.diagnostics)) {
        printDiagnostics(io, explanation.diagnostics);
        context.exitCode = 1;
        return;
      }
      writeOutput(
        io,
        format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanationTable(explanation),
      );
    });
}
