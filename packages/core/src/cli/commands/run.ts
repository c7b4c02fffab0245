import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CatalogEntry, catalogDir, findCatalogEntry, formatCatalog, listCatalog } from '../catalog.js';
import { parseSeed, parseTracePath } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { UsageProblem } from '../usage-problem.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';
import type { RunOptions } from './run-action.js';

const RUN_FORMATS = ['table', 'json', 'yaml', 'html'] as const;

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
      // Loaded when the command runs: the other commands start without the engine and the renderers.
      const { simulateAndReport } = await import('./run-action.js');
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
