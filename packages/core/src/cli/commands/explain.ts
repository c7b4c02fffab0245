import type { Command } from 'commander';
import { collectLabel, parseIstioVersion } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { readSources } from '../read-input.js';
import { openOutput, writeOutput, writeOutputParts } from '../write-output.js';
import type { CommandContext } from './context.js';

/** envoy: the clusters and routes as the Envoy v3 config_dump a sidecar would show. */
const EXPLAIN_FORMATS = ['table', 'json', 'yaml', 'envoy'] as const;

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
    .action(async (files: string[], options: ExplainOptions) => {
      const { format, file, fileOption } = resolveOutput(explain, EXPLAIN_FORMATS, io);
      const { label, format: _f, output: _o, outputFile: _of, ...rest } = options;
      const proxy = label === undefined ? rest : { ...rest, labels: label };
      const open = file === undefined ? undefined : () => openOutput(file, fileOption);
      const write = (text: string) => writeOutput(io, text, open?.());
      // Written as it is made: over thousands of clusters the table is tens of megabytes.
      const writeParts = (produce: (part: (text: string) => void) => void) =>
        writeOutputParts(io, produce, open);
      // Loaded when the command runs: the other commands start without the explainers.
      const { explainFiles } = await import('./explain-action.js');
      explainFiles(context, readSources(files), format, proxy, { write, writeParts });
    });
}
