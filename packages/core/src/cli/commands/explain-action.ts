// What `meshsim explain` does once its options are read, loaded only when it runs.
import { stringify } from 'yaml';
import { hasErrors } from '../../config/resources/diagnostics.js';
import { type ConfigSource, type LoadedConfig, loadConfig } from '../../config/resources/load.js';
import { writeConfigDump } from '../../explain/config-dump/write-dump.js';
import { explainEnvoyConfig } from '../../explain/envoy-config.js';
import { type ExplainOptions as ExplainProxyOptions, explainConfig } from '../../explain/explain.js';
import { formatEnvoyConfigTable } from '../../explain/format-envoy-table.js';
import { writeExplanationTable } from '../../explain/format-table.js';
import { printDiagnostics } from '../print-diagnostics.js';
import type { CommandContext } from './context.js';

type ExplainFormat = 'table' | 'json' | 'yaml' | 'envoy';

/** Writes the result to stdout or to the file asked for, opened only once there is a result to write. */
type Write = (text: string) => void;

/** Where the result goes: whole, or in parts as it is made. */
export interface ExplainOutput {
  write: Write;
  writeParts: (produce: (part: Write) => void) => void;
}

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

/** Explains the sources in `format`: an Envoy config as it is, Istio resources as istiod would translate them. */
export function explainFiles(
  context: CommandContext,
  sources: ConfigSource[],
  format: ExplainFormat,
  proxy: Omit<ExplainProxyOptions, 'origin'>,
  { write, writeParts }: ExplainOutput,
): void {
  const { io } = context;
  const loaded = loadConfig(sources);
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
    writeParts((part) => writeExplanationTable(explanation, part));
    return;
  }
  write(
    format === 'json'
      ? `${JSON.stringify(explanation, null, 2)}\n`
      : stringify(explanation, { lineWidth: 0 }),
  );
}
