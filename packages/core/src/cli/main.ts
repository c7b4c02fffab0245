import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compareInParallel, type Variants } from '../compare/compare.js';
import { parseSweep, sweep } from '../compare/sweep.js';
import {
  ConfigError,
  type Diagnostic,
  formatDiagnostic,
  hasErrors,
} from '../config/resources/diagnostics.js';
import { type ConfigSource, loadConfig } from '../config/resources/load.js';
import { ISTIO_VERSION_PATTERN } from '../config/resources/schema/scenario.js';
import { explainConfig } from '../explain/explain.js';
import { formatExplanationTable } from '../explain/format-table.js';
import { formatReportHtml } from '../render/html-report.js';
import { formatReportTable } from '../render/report-table.js';
import { planSimulation, type SimulationSpec } from '../simulate.js';
import { runPlan } from '../simulation/run.js';
import { catalogDir, findCatalogEntry, formatCatalog, listCatalog } from './catalog.js';
import { formatCompareTable, formatSweepTable } from './format-compare.js';
import { batchProgressText, ProgressLine, runProgressText } from './progress.js';
import { type JsonLinesTrace, TraceFileError, traceToFile, traceToStdout } from './trace-file.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress is shown only there. Default false. */
  stderrIsTTY?: boolean;
  /** Wall clock for progress (tests). */
  now?: () => number;
  /** The descriptor behind `stdout`, for output that must stream as it is made (`--trace -`). */
  stdoutFd?: number;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutFd: 1,
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

/** `--trace FILE`, or `-` for stdout. */
function parseTracePath(value: string): string {
  if (value === '') throw new InvalidArgumentError('must name a file, or - for stdout (with --output)');
  return value;
}

function parseCount(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      throw new InvalidArgumentError(`must be an integer ≥ ${min}`);
    return Number(value);
  };
}

/** `--label KEY=VALUE`, repeatable. */
function collectLabel(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** `--vary NAME=PATCH.yaml`, repeatable. */
function collectVariant(value: string, previous: Array<[string, string]>): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('must be NAME=PATCH.yaml');
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** Scenario fields the command line overrides. */
function overrides(options: { seed?: number; duration?: string; bucket?: string }): Partial<SimulationSpec> {
  return {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.duration !== undefined ? { duration: options.duration } : {}),
    ...(options.bucket !== undefined ? { report: { timelineBucket: options.bucket } } : {}),
  };
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageProblem(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
}

interface RunOptions {
  format: 'table' | 'json' | 'html';
  output?: string;
  seed?: number;
  duration?: string;
  bucket?: string;
  quiet?: boolean;
  catalog?: string;
  trace?: string;
}

/** Runs the CLI and returns the exit code: 0 success, 1 bad input or failed validation, 2 usage. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('meshsim')
    .description('Predict what an Istio/Envoy sidecar does to traffic before you ship the config.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run meshsim --help for usage)');

  const run: Command = program.command('run');
  run
    .description(
      'simulate the Scenario in FILE(s) against the Istio resources beside it, and print the report',
    )
    .argument(
      '[files...]',
      'YAML files: ServiceEntry, DestinationRule, VirtualService and one kind: Scenario',
    )
    .option(
      '-c, --catalog <name>',
      'run a scenario of the catalog instead (NN-name or name; "list" lists them)',
    )
    .addOption(
      new Option('-f, --format <format>', 'report format')
        .choices(['table', 'json', 'html'])
        .default('table'),
    )
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option('-s, --seed <n>', "override the Scenario's seed", parseSeed)
    .option('-d, --duration <duration>', "override the Scenario's duration (e.g. 30s, 10m)")
    .option('-b, --bucket <duration>', 'timeline bucket (default 1s; widened for very long runs)')
    .option('-q, --quiet', 'no progress on stderr')
    .option(
      '--trace <file>',
      'also write the run\'s event trace to FILE as JSON Lines, one TraceEvent per line in event order ("-": stdout, only with --output)',
      parseTracePath,
    )
    .action((files: string[], options: RunOptions) => {
      if (options.trace !== undefined) {
        if (options.catalog === 'list') run.error('error: --trace needs a run; --catalog list runs none');
        if (options.trace === '-' && options.output === undefined) {
          run.error(
            'error: --trace - would mix the trace into the report on stdout; give --output FILE for the report, or --trace a file',
          );
        }
        if (options.output !== undefined && resolve(options.trace) === resolve(options.output))
          run.error('error: --trace and --output name the same file');
      }
      if (options.catalog !== undefined) {
        if (files.length > 0) run.error('error: give FILEs or --catalog, not both');
        const dir = catalogDir();
        if (dir === null) throw new UsageProblem('the catalog ships with @meshsim/scenarios; install it');
        const entries = listCatalog(dir);
        if (options.catalog === 'list') {
          io.stdout(formatCatalog(entries));
          return;
        }
        const entry = findCatalogEntry(entries, options.catalog);
        if (entry === undefined) {
          run.error(
            `error: no catalog scenario ${options.catalog}; the catalog has:\n${formatCatalog(entries)}`,
          );
        }
        // Diagnostics name the file as the user would: relative to where they are, when inside it.
        const here = relative(process.cwd(), entry.file);
        files.push(here.startsWith('..') || isAbsolute(here) ? entry.file : here);
      }
      if (files.length === 0) run.error('error: give the YAML FILEs to run, or --catalog NAME');
      const { plan, diagnostics, loaded } = planSimulation({
        config: readSources(files),
        specOrigin: 'command line',
        ...overrides(options),
      });
      if (plan === null) throw new ConfigError(diagnostics);
      const progress = new ProgressLine(
        { isTTY: io.stderrIsTTY, write: io.stderr },
        { quiet: options.quiet, ...(io.now !== undefined ? { now: io.now } : {}) },
      );
      // Opened after the config is known good, before the run: a bad path fails in a moment, not after it.
      let trace: JsonLinesTrace | undefined;
      if (options.trace === '-') trace = traceToStdout({ fd: io.stdoutFd, write: io.stdout });
      else if (options.trace !== undefined) trace = traceToFile(options.trace);
      let report: ReturnType<typeof runPlan>;
      try {
        report = runPlan(plan, {
          onProgress: (p) => progress.update(() => runProgressText(p, progress.elapsedMs)),
          ...(trace !== undefined ? { trace: trace.listener } : {}),
        });
      } finally {
        trace?.close();
      }
      progress.done();
      for (const w of report.warnings) io.stderr(`${w}\n`);
      const context = { plan, loaded };
      const text =
        options.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : options.format === 'html'
            ? formatReportHtml(report, context)
            : formatReportTable(report, context);
      if (options.output !== undefined) writeOutput(options.output, text);
      else io.stdout(text);
    });

  program
    .command('compare')
    .description(
      'run variants of FILE(s) on the same seeds and compare them with confidence intervals, or sweep one field',
    )
    .argument('<files...>', 'YAML files, as for run')
    .option(
      '--vary <name=patch.yaml>',
      'a variant: a patch over the config (repeat; one alone is compared with the config as written)',
      collectVariant,
      [],
    )
    .option(
      '--sweep <field=values>',
      'a grid over one field, e.g. spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..10',
    )
    .option(
      '--seeds <n>',
      'seeds per variant (compare: default 30; sweep: default the Scenario seed once)',
      parseCount(1),
    )
    .option('--first-seed <n>', 'the first seed (default 1)', parseSeed)
    .option(
      '--independent',
      'give each variant its own seeds (seed + 10000·j) instead of common random numbers',
    )
    .option('-j, --jobs <n>', 'worker threads (default: the number of cores)', parseCount(1))
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('-d, --duration <duration>', "override the Scenario's duration")
    .option('-q, --quiet', 'no progress on stderr')
    .action(
      async (
        files: string[],
        options: {
          vary: Array<[string, string]>;
          sweep?: string;
          seeds?: number;
          firstSeed?: number;
          independent?: boolean;
          jobs?: number;
          format: 'table' | 'json';
          duration?: string;
          quiet?: boolean;
        },
      ) => {
        if (options.vary.length > 0 === (options.sweep !== undefined)) {
          throw new UsageProblem(
            'compare wants --vary NAME=PATCH.yaml (one or more) or --sweep FIELD=VALUES',
          );
        }
        const spec: SimulationSpec = {
          config: readSources(files),
          specOrigin: 'command line',
          ...overrides(options),
        };
        const progress = new ProgressLine(
          { isTTY: io.stderrIsTTY, write: io.stderr },
          { quiet: options.quiet, ...(io.now !== undefined ? { now: io.now } : {}) },
        );
        const pool = {
          ...(options.jobs !== undefined ? { threads: options.jobs } : {}),
          onRunDone: (done: number, total: number) =>
            progress.update(() => batchProgressText(done, total, progress.elapsedMs)),
        };
        const seeding = {
          ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
          ...(options.firstSeed !== undefined ? { firstSeed: options.firstSeed } : {}),
        };
        let text: string;
        if (options.sweep !== undefined) {
          let axis: ReturnType<typeof parseSweep>;
          try {
            axis = parseSweep(options.sweep);
          } catch (e) {
            throw new UsageProblem((e as Error).message);
          }
          const result = await sweep(spec, axis, { ...pool, ...seeding });
          text =
            options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSweepTable(result);
        } else {
          const variants: Variants = {};
          if (options.vary.length === 1) variants['as-written'] = null;
          for (const [name, file] of options.vary) {
            if (name in variants) throw new UsageProblem(`two variants are named ${name}`);
            variants[name] = readSources([file])[0]!;
          }
          const result = await compareInParallel(spec, variants, {
            ...pool,
            ...seeding,
            pairing: options.independent === true ? 'independent' : 'common',
          });
          text =
            options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatCompareTable(result);
        }
        progress.done();
        io.stdout(text);
      },
    );

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
    .option(
      '--label <key=value>',
      "a pod label of the caller, repeatable: sourceLabels matches and failoverPriority (default: the Scenario's proxy.labels)",
      collectLabel,
    )
    .action(
      (
        files: string[],
        options: {
          format: 'table' | 'json';
          namespace?: string;
          istioVersion?: string;
          locality?: string;
          label?: Record<string, string>;
        },
      ) => {
        const { format, label, ...rest } = options;
        const proxy = label === undefined ? rest : { ...rest, labels: label };
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
    if (e instanceof UsageProblem || e instanceof TraceFileError) {
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
