import { isAbsolute, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { formatDiagnostic } from '../../config/resources/diagnostics.js';
import { type CheckedRun, planExpectations, runExpectations } from '../../expect/check-expectations.js';
import { formatExpectations } from '../../expect/format-expectations.js';
import { formatReportHtml } from '../../render/html-report.js';
import { formatReportJson, reportDocument } from '../../render/report-json.js';
import { formatReportTable } from '../../render/report-table.js';
import { type CatalogEntry, catalogDir, findCatalogEntry, formatCatalog, listCatalog } from '../catalog.js';
import type { CliIo } from '../io.js';
import { parseSeed, parseTracePath } from '../option-values.js';
import { progressLineOn, runProgressText } from '../progress.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import { type JsonLinesTrace, traceToFile, traceToStdout } from '../trace-file.js';
import { UsageProblem } from '../usage-problem.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

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
      const passed = simulateAndReport(io, files, options);
      if (!passed) context.exitCode = 1;
    });
}

/** `--trace` needs a run, and a destination apart from the report's. */
function checkTraceOption(run: Command, options: RunOptions): void {
  if (options.trace === undefined) return;
  if (options.catalog === 'list') run.error('error: --trace needs a run; --catalog list runs none');
  if (options.trace === '-' && options.output === undefined) {
    run.error(
      'error: --trace - would mix the trace into the report on stdout; give --output FILE for the report, or --trace a file',
    );
  }
  if (options.output !== undefined && resolve(options.trace) === resolve(options.output))
    run.error('error: --trace and --output name the same file');
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

/** Runs the Scenario, writes its report and the verdict on its expectations; false when one is not met. */
function simulateAndReport(io: CliIo, files: string[], options: RunOptions): boolean {
  const ready = planExpectations({
    config: readSources(files),
    specOrigin: 'command line',
    ...scenarioOverrides(options),
  });
  const progress = progressLineOn(io, options.quiet);
  // Opened after the config is known good, before the run: a bad path fails in a moment, not after it.
  const trace = openTrace(io, options.trace);
  let checked: CheckedRun;
  try {
    checked = runExpectations(ready, {
      onProgress: (p) => progress.update(() => runProgressText(p, progress.elapsedMs)),
      ...(trace !== undefined ? { trace: trace.listener } : {}),
    });
  } finally {
    trace?.close();
  }
  progress.done();
  const { report, plan, loaded, expectations } = checked;
  for (const w of report.warnings) io.stderr(`${w}\n`);
  for (const w of checked.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  const context = { plan, loaded };
  const verdict = expectations === null ? '' : formatExpectations(expectations);
  const text =
    options.format === 'json'
      ? expectations === null
        ? formatReportJson(report, context)
        : `${JSON.stringify({ ...reportDocument(report, context), expectations }, null, 2)}\n`
      : options.format === 'html'
        ? formatReportHtml(report, context)
        : formatReportTable(report, context) + verdict;
  writeOutput(io, text, options.output);
  // The verdict reaches the terminal (and a CI log) even when the report went to a file or is HTML.
  if (verdict !== '' && (options.output !== undefined || options.format === 'html')) io.stderr(verdict);
  return expectations === null || expectations.passed;
}

/** `--trace FILE`, or `-` for stdout. */
function openTrace(io: CliIo, path: string | undefined): JsonLinesTrace | undefined {
  if (path === '-') return traceToStdout({ fd: io.stdoutFd, write: io.stdout });
  if (path !== undefined) return traceToFile(path);
  return undefined;
}
