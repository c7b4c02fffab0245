import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, type Diagnostic, formatDiagnostic, hasErrors } from '../config/diagnostics.js';
import { explainConfig } from '../config/explain.js';
import { formatExplanationTable } from '../config/explain-format.js';
import { type ConfigSource, loadConfig } from '../config/load.js';
import { ISTIO_VERSION_PATTERN } from '../config/schema/scenario.js';
import { planSimulation, simulate } from '../simulate.js';
import { formatReportTable } from './format-table.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Files are read whole; anything larger is not a config a person wrote. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Thrown for input problems the CLI reports in one line, with exit code 1. */
class UsageProblem extends Error {}

function readSources(files: string[]): ConfigSource[] {
  return files.map((file) => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageProblem(`${file}: cannot read (${code ?? String(e)})`);
    }
    if (buffer.length > MAX_FILE_BYTES) {
      throw new UsageProblem(`${file}: ${buffer.length} bytes is over the ${MAX_FILE_BYTES}-byte limit`);
    }
    return { file, text: buffer.toString('utf8') };
  });
}

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('the seed must be an integer');
  return Number(value);
}

function parseIstioVersion(value: string): string {
  if (!ISTIO_VERSION_PATTERN.test(value)) throw new InvalidArgumentError('must look like 1.24 or 1.24.3');
  return value;
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
}

/** Runs the CLI and returns the exit code: 0 success, 1 bad input or failed validation, 2 usage. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('meshsim')
    .description('Predict what an Istio/Envoy sidecar does to traffic before you ship the config.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run meshsim --help for usage)');

  program
    .command('run')
    .description(
      'simulate the Scenario in FILE(s) against the Istio resources beside it, and print the report',
    )
    .argument(
      '<files...>',
      'YAML files: ServiceEntry, DestinationRule, VirtualService and one kind: Scenario',
    )
    .addOption(
      new Option('-f, --format <format>', 'report format').choices(['table', 'json']).default('table'),
    )
    .option('-s, --seed <n>', "override the Scenario's seed", parseSeed)
    .option('-d, --duration <duration>', "override the Scenario's duration (e.g. 30s, 10m)")
    .action((files: string[], options: { format: 'table' | 'json'; seed?: number; duration?: string }) => {
      const report = simulate({
        config: readSources(files),
        specOrigin: 'command line',
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.duration !== undefined ? { duration: options.duration } : {}),
      });
      for (const w of report.warnings) io.stderr(`${w}\n`);
      io.stdout(
        options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReportTable(report),
      );
    });

  program
    .command('validate')
    .description('check FILE(s) as Istio and meshsim would; exit 1 on any error')
    .argument('<files...>', 'YAML files')
    .action((files: string[]) => {
      const { diagnostics } = planSimulation({ config: readSources(files) }, { requireScenario: false });
      printDiagnostics(io, diagnostics);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      io.stdout(`${files.join(', ')}: ${errors} error(s), ${warnings} warning(s)\n`);
      if (errors > 0) exitCode = 1;
    });

  program
    .command('explain')
    .description(
      'print the Envoy clusters and routes a sidecar gets from FILE(s), each value with where it came from',
    )
    .argument(
      '<files...>',
      'YAML files: ServiceEntry, DestinationRule, VirtualService; a Scenario is optional',
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
    .action(
      (
        files: string[],
        options: { format: 'table' | 'json'; namespace?: string; istioVersion?: string; locality?: string },
      ) => {
        const { format, ...proxy } = options;
        const explanation = explainConfig(loadConfig(readSources(files)), {
          ...proxy,
          origin: 'command line',
        });
        if (hasErrors(explanation.diagnostics)) {
          printDiagnostics(io, explanation.diagnostics);
          exitCode = 1;
          return;
        }
        io.stdout(
          format === 'json'
            ? `${JSON.stringify(explanation, null, 2)}\n`
            : formatExplanationTable(explanation),
        );
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ConfigError) {
      printDiagnostics(io, e.diagnostics);
      return 1;
    }
    if (e instanceof UsageProblem) {
      io.stderr(`meshsim: ${e.message}\n`);
      return 1;
    }
    const detail = process.env.MESHSIM_DEBUG ? (e as Error).stack : String((e as Error).message ?? e);
    io.stderr(
      `meshsim: internal error: ${detail}\n(this is a bug in meshsim; MESHSIM_DEBUG=1 shows the stack)\n`,
    );
    return 70;
  }
  return exitCode;
}
