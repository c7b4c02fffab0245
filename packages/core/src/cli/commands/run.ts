import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { formatDiagnostic } from '../../config/resources/diagnostics.js';
import {
  type CheckedRun,
  type ExpectationPlan,
  judgeExpectations,
  planExpectations,
} from '../../expect/check-expectations.js';
import { formatExpectations } from '../../expect/format-expectations.js';
import type { Report } from '../../observe/report.js';
import { formatReportHtml } from '../../render/html-report.js';
import { formatReportJson, reportDocument } from '../../render/report-json.js';
import { formatReportTable } from '../../render/report-table.js';
import { SimulationRun } from '../../simulation/simulation-run.js';
import { type CatalogEntry, catalogDir, findCatalogEntry, formatCatalog, listCatalog } from '../catalog.js';
import { EXIT_PARTIAL, exitCodeForSignal } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseSeed, parseTracePath } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { playInSlices, type StopSignal } from '../play-in-slices.js';
import { progressLineOn, runProgressText } from '../progress.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import { type TraceWriter, traceToFile, traceToStdout } from '../trace-file.js';
import { UsageProblem } from '../usage-problem.js';
import { openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

const RUN_FORMATS = ['table', 'json', 'yaml', 'html'] as const;

interface RunOptions {
  format: (typeof RUN_FORMATS)[number];
  /** The report's file (`--output-file`, or the old `-o FILE`); stdout without one. */
  output?: string;
  /** The option that named the file, for errors. */
  outputOption?: string;
  seed?: number;
  duration?: string;
  bucket?: string;
  quiet?: boolean;
  progress?: boolean;
  catalog?: string;
  trace?: string;
  strict?: boolean;
}

/** `meshsim run`: one simulation of a Scenario, from FILE(s) or the catalog, and its report. */
export function addRunCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const run: Command = program.command('run');
  run
    .description(
      'simulate the Scenario in FILE(s) against the Istio resources beside it, and print the report',
    )
    .argument(
      '[files...]',
      'YAML or JSON files: ServiceEntry, DestinationRule, VirtualService (or one Envoy config dump) and one kind: Scenario',
    )
    .option(
      '-c, --catalog <name>',
      'run a scenario of the catalog instead (NN-name or name; "list" lists them)',
    );
  addOutputOptions(run, RUN_FORMATS)
    .option('-s, --seed <n>', "override the Scenario's seed", parseSeed)
    .option('-d, --duration <duration>', "override the Scenario's duration (e.g. 30s, 10m)")
    .option('-b, --bucket <duration>', 'timeline bucket (default 1s; widened for very long runs)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--progress', 'progress on stderr even where it is not a terminal (CI logs): a line every 5 s')
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .option(
      '--trace <file>',
      'also write the run\'s event trace to FILE as JSON Lines, one TraceEvent per line in event order ("-": stdout, only with --output-file)',
      parseTracePath,
    )
    .action(async (files: string[], options: RunOptions) => {
      const { format, file, fileOption } = resolveOutput(run, RUN_FORMATS, io);
      options.format = format;
      options.output = file;
      options.outputOption = fileOption;
      checkTraceOption(run, options);
      if (options.catalog !== undefined) {
        if (files.length > 0) run.error('error: give FILEs or --catalog, not both');
        const entries = catalogEntries();
        if (options.catalog === 'list') {
          writeOutput(io, formatCatalog(entries));
          return;
        }
        files.push(catalogFile(run, entries, options.catalog));
      }
      if (files.length === 0) run.error('error: give the YAML FILEs to run, or --catalog NAME');
      await simulateAndReport(context, files, options);
    });
}

/** `--trace` needs a run, and a destination apart from the report's. */
function checkTraceOption(run: Command, options: RunOptions): void {
  if (options.trace === undefined) return;
  if (options.catalog === 'list') run.error('error: --trace needs a run; --catalog list runs none');
  if (options.trace === '-' && options.output === undefined) {
    run.error(
      'error: --trace - would mix the trace into the report on stdout; give --output-file FILE for the report, or --trace a file',
    );
  }
  if (options.output !== undefined && resolve(options.trace) === resolve(options.output))
    run.error('error: --trace and --output-file name the same file');
}

function catalogEntries(): CatalogEntry[] {
  const dir = catalogDir();
  if (dir === null) throw new UsageProblem('the catalog ships with @meshsim/scenarios; install it');
  return listCatalog(dir);
}

/** The file of the catalog scenario `name`, as diagnostics should name it. */
function catalogFile(run: Command, entries: CatalogEntry[], name: string): string {
  const entry = findCatalogEntry(entries, name);
  if (entry === undefined) {
    run.error(`error: no catalog scenario ${name}; the catalog has:\n${formatCatalog(entries)}`);
  }
  // Diagnostics name the file as the user would: relative to where they are, when inside it.
  const here = relative(process.cwd(), entry.file);
  return here.startsWith('..') || isAbsolute(here) ? entry.file : here;
}

/** Runs the Scenario, writes its report and the verdict on its expectations; sets the exit code. */
async function simulateAndReport(
  context: CommandContext,
  files: string[],
  options: RunOptions,
): Promise<void> {
  const { io } = context;
  const ready = planExpectations({
    config: readSources(files),
    specOrigin: 'command line',
    ...(options.strict === true ? { strict: true } : {}),
    ...scenarioOverrides(options),
  });
  const progress = progressLineOn(io, options.quiet, options.progress);
  // Opened after the config is known good, before the run: a bad path fails in a moment, not after it.
  const output = options.output === undefined ? undefined : openOutput(options.output, options.outputOption);
  const trace = await openTrace(io, options.trace);
  let played: Played;
  try {
    played = await playFirstSeed(ready, io, progress, trace);
  } finally {
    trace?.close();
  }
  progress.done();
  const { report, stoppedBy } = played;
  // A partial run is not judged: its figures cover only part of the Scenario.
  const checked: CheckedRun =
    report.partial === undefined
      ? judgeExpectations(ready, report)
      : { report, plan: ready.plan, loaded: ready.loaded, expectations: null, warnings: ready.warnings };
  const { plan, loaded, expectations } = checked;
  for (const w of report.warnings) io.stderr(`${w}\n`);
  for (const w of checked.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  const reportContext = { plan, loaded };
  const verdict = expectations === null ? '' : formatExpectations(expectations);
  const document = () =>
    expectations === null
      ? reportDocument(report, reportContext)
      : { ...reportDocument(report, reportContext), expectations };
  const text =
    options.format === 'json'
      ? expectations === null
        ? formatReportJson(report, reportContext)
        : `${JSON.stringify(document(), null, 2)}\n`
      : options.format === 'yaml'
        ? stringify(document(), { lineWidth: 0 })
        : options.format === 'html'
          ? formatReportHtml(report, reportContext)
          : formatReportTable(report, reportContext) + verdict;
  writeOutput(io, text, output);
  // The verdict reaches the terminal (and a CI log) even when the report went to a file or is HTML.
  if (verdict !== '' && (options.output !== undefined || options.format === 'html')) io.stderr(verdict);
  if (expectations !== null && !expectations.passed) context.exitCode = 1;
  if (report.partial !== undefined) {
    const { cause, message, field } = report.partial;
    io.stderr(`meshsim: partial report (${cause}): ${message}${field !== undefined ? ` [${field}]` : ''}\n`);
    context.exitCode = stoppedBy !== null ? exitCodeForSignal(stoppedBy) : EXIT_PARTIAL;
  }
}

interface Played {
  report: Report;
  stoppedBy: StopSignal | null;
}

/** The first seed's run, in slices, so that SIGINT or SIGTERM stops it with its report rather than silence. */
async function playFirstSeed(
  ready: ExpectationPlan,
  io: CliIo,
  progress: ReturnType<typeof progressLineOn>,
  trace: TraceWriter | undefined,
): Promise<Played> {
  const run = new SimulationRun(ready.plan, {
    onProgress: (p) => progress.update(() => runProgressText(p, progress.elapsedMs)),
    ...(trace !== undefined ? { trace: trace.sink } : {}),
  });
  const stoppedBy = await playInSlices(run, io.signals);
  return { report: run.report(), stoppedBy };
}

/** `--trace FILE`, or `-` for stdout. */
async function openTrace(io: CliIo, path: string | undefined): Promise<TraceWriter | undefined> {
  if (path === '-') return traceToStdout({ fd: io.stdoutFd, write: io.stdout });
  if (path !== undefined) return traceToFile(path);
  return undefined;
}
