// What `meshsim run` does once its options are read, loaded only when it runs.
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
import { EXIT_PARTIAL, exitCodeForSignal } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { playInSlices, type StopSignal } from '../play-in-slices.js';
import { progressLineOn, runProgressText } from '../progress.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import {
  startTraceThread,
  type TraceThread,
  type TraceWriter,
  traceToFile,
  traceToStdout,
} from '../trace-file.js';
import { type OutputFile, openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

/** The options of `meshsim run`, as commander reads them. */
export interface RunOptions {
  format: 'table' | 'json' | 'yaml' | 'html';
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

/** Runs the Scenario, writes its report and the verdict on its expectations; sets the exit code. */
export async function simulateAndReport(
  context: CommandContext,
  files: string[],
  options: RunOptions,
): Promise<void> {
  const { io } = context;
  // The trace's writer thread loads while the config is read and planned.
  const traceThread = options.trace !== undefined ? startTraceThread() : undefined;
  let ready: ExpectationPlan;
  let output: OutputFile | undefined;
  let trace: TraceWriter | undefined;
  try {
    ready = planExpectations({
      config: readSources(files),
      specOrigin: 'command line',
      ...(options.strict === true ? { strict: true } : {}),
      ...scenarioOverrides(options),
    });
    // Opened after the config is known good, before the run: a bad path fails in a moment, not after it.
    output = options.output === undefined ? undefined : openOutput(options.output, options.outputOption);
    trace = await openTrace(io, options.trace, traceThread);
  } catch (e) {
    void traceThread?.worker.terminate();
    throw e;
  }
  const progress = progressLineOn(io, options.quiet, options.progress);
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
async function openTrace(
  io: CliIo,
  path: string | undefined,
  thread: TraceThread | undefined,
): Promise<TraceWriter | undefined> {
  if (path === '-') return traceToStdout({ fd: io.stdoutFd, write: io.stdout }, thread);
  if (path !== undefined) return traceToFile(path, thread);
  return undefined;
}
