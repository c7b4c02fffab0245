import type { Command } from 'commander';
import { stringify } from 'yaml';
import { hasErrors } from '../../config/resources/diagnostics.js';
import { type LoadedConfig, loadConfig } from '../../config/resources/load.js';
import { writeConfigDump } from '../../explain/config-dump/write-dump.js';
import { explainEnvoyConfig } from '../../explain/envoy-config.js';
import { type ExplainOptions as ExplainProxyOptions, explainConfig } from '../../explain/explain.js';
import { formatEnvoyConfigTable } from '../../explain/format-envoy-table.js';
import { writeExplanationTable } from '../../explain/format-table.js';
import { collectLabel, parseIstioVersion } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { openOutput, writeOutput, writeOutputParts } from '../write-output.js';
import type { CommandContext } from './context.js';

/** envoy: the clusters and routes as the Envoy v3 config_dump a sidecar would show. */
const EXPLAIN_FORMATS = ['table', 'json', 'yaml', 'envoy'] as const;
type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

interface ExplainOptions {
  format?: string;
  output?: string;
  outputFile?: string;
  namespace?: string;
  istioVersion?: string;
  locality?: string;
  label?: Record<string, string>;
  strict?: boolean;
}

/** Writes the result to stdout or to the file asked for, opened only once there is a result to write. */
type Write = (text: string) => void;

/** Explains an Envoy config (a config dump, a bootstrap) as it is, values at their JSON paths. */
function explainEnvoyInput(
  context: CommandContext,
  loaded: LoadedConfig,
  format: ExplainFormat,
  write: Write,
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
  write(
    format === 'json'
      ? `${JSON.stringify(explanation, null, 2)}\n`
      : format === 'yaml'
        ? stringify(explanation, { lineWidth: 0 })
        : formatEnvoyConfigTable(explanation),
  );
}

/** Writes what the Istio resources give a sidecar as an Envoy v3 config dump (`-o envoy`). */
function writeEnvoyDump(
  context: CommandContext,
  loaded: LoadedConfig,
  options: ExplainProxyOptions,
  write: Write,
): void {
  const { dump, diagnostics } = writeConfigDump(loaded, options);
  if (hasErrors(diagnostics)) {
    printDiagnostics(context.io, diagnostics);
    context.exitCode = 1;
    return;
  }
  // Warnings (what could not be written) go to stderr; stdout stays a dump Envoy tooling can read.
  printDiagnostics(context.io, diagnostics);
  write(`${JSON.stringify(dump, null, 2)}\n`);
}

/** `meshsim explain`: the Envoy clusters and routes FILE(s) give a sidecar, each value with its source. */
export function addExplainCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const explain: Command = program.command('explain');
  explain
    .description(
      'print the Envoy clusters and routes a sidecar gets from FILE(s), each value with where it came from',
    )
    .argument(
      '<files...>',
      'YAML or JSON files ("-": stdin): ServiceEntry, DestinationRule, VirtualService (a Scenario is optional), or one Envoy config dump',
    );
  addOutputOptions(explain, EXPLAIN_FORMATS)
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
      const { format, file, fileOption } = resolveOutput(explain, EXPLAIN_FORMATS, io);
      const { label, format: _f, output: _o, outputFile: _of, ...rest } = options;
      const proxy = label === undefined ? rest : { ...rest, labels: label };
      const write: Write = (text) =>
        writeOutput(io, text, file === undefined ? undefined : openOutput(file, fileOption));
      const loaded = loadConfig(readSources(files));
      // An Envoy config is explained as it is; Istio resources as istiod would translate them.
      if (loaded.envoyConfigs.length > 0) {
        explainEnvoyInput(context, loaded, format, write);
        return;
      }
      if (format === 'envoy') {
        writeEnvoyDump(context, loaded, { ...proxy, origin: 'command line' }, write);
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
      if (format === 'table') {
        // Written as it is made: over thousands of clusters the text is tens of megabytes.
        const open = file === undefined ? undefined : () => openOutput(file, fileOption);
        writeOutputParts(io, (part) => writeExplanationTable(explanation, part), open);
        return;
      }
      write(
        format === 'json'
          ? `${JSON.stringify(explanation, null, 2)}\n`
          : stringify(explanation, { lineWidth: 0 }),
      );
    });
}
