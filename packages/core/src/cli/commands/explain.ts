import { type Command, Option } from 'commander';
import { hasErrors } from '../../config/resources/diagnostics.js';
import { type LoadedConfig, loadConfig } from '../../config/resources/load.js';
import { writeConfigDump } from '../../explain/config-dump/write-dump.js';
import { explainEnvoyConfig } from '../../explain/envoy-config.js';
import { type ExplainOptions as ExplainProxyOptions, explainConfig } from '../../explain/explain.js';
import { formatEnvoyConfigTable } from '../../explain/format-envoy-table.js';
import { formatExplanationTable } from '../../explain/format-table.js';
import { collectLabel, parseIstioVersion } from '../option-values.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

interface ExplainOptions {
  format: 'table' | 'json' | 'envoy';
  /** kubectl's spelling of --format. */
  output?: 'table' | 'json' | 'envoy';
  namespace?: string;
  istioVersion?: string;
  locality?: string;
  label?: Record<string, string>;
  strict?: boolean;
}

/** Explains an Envoy config (a config dump, a bootstrap) as it is, values at their JSON paths. */
function explainEnvoyInput(
  context: CommandContext,
  loaded: LoadedConfig,
  format: ExplainOptions['format'],
): void {
  const explanation = explainEnvoyConfig(loaded)!;
  if (format === 'envoy') {
    printDiagnostics(context.io, [
      {
        severity: 'error',
        file: explanation.input.file,
        line: 0,
        column: 0,
        path: '',
        message: '-o envoy writes Istio resources as an Envoy config; this already is one',
      },
    ]);
    context.exitCode = 1;
    return;
  }
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

/** Writes what the Istio resources give a sidecar as an Envoy v3 config dump (`-o envoy`). */
function writeEnvoyDump(context: CommandContext, loaded: LoadedConfig, options: ExplainProxyOptions): void {
  const { dump, diagnostics } = writeConfigDump(loaded, options);
  if (hasErrors(diagnostics)) {
    printDiagnostics(context.io, diagnostics);
    context.exitCode = 1;
    return;
  }
  // Warnings (what could not be written) go to stderr; stdout stays a dump Envoy tooling can read.
  printDiagnostics(context.io, diagnostics);
  writeOutput(context.io, `${JSON.stringify(dump, null, 2)}\n`);
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
      new Option(
        '-f, --format <format>',
        'output format; envoy: the clusters and routes as the Envoy v3 config_dump a sidecar would show',
      )
        .choices(['table', 'json', 'envoy'])
        .default('table'),
    )
    .addOption(
      new Option('-o, --output <format>', 'the same as --format').choices(['table', 'json', 'envoy']),
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
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .action((files: string[], options: ExplainOptions) => {
      const { format: formatOption, output, label, ...rest } = options;
      const format = output ?? formatOption;
      const proxy = label === undefined ? rest : { ...rest, labels: label };
      const loaded = loadConfig(readSources(files));
      // An Envoy config is explained as it is; Istio resources as istiod would translate them.
      if (loaded.envoyConfigs.length > 0) {
        explainEnvoyInput(context, loaded, format);
        return;
      }
      if (format === 'envoy') {
        writeEnvoyDump(context, loaded, { ...proxy, origin: 'command line' });
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
