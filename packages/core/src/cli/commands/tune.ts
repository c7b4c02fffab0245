import { closeSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { PartError } from '../../shard/part-error.js';
import type { TuneShardResult } from '../../shard/sharded-runs.js';
import type { SimulationSpec } from '../../simulate.js';
import { TuneSpecError } from '../../tune/objectives.js';
import type { TuneRequest, TuneSearch } from '../../tune/plan.js';
import type { TuneReport } from '../../tune/report.js';
import { parseCount, parseSeed } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import {
  addShardOptions,
  checkShardOptions,
  collect,
  parseWait,
  type ShardCliOptions,
} from '../shard-options.js';
import { tuneProgressOn } from '../tune-progress.js';
import { UsageProblem } from '../usage-problem.js';
import { type OutputFile, openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

interface TuneCliOptions extends ShardCliOptions, TuneOutputOptions {
  vary: string[];
  objective: string[];
  constraint: string[];
  search: TuneSearch | 'auto';
  samples?: number;
  samplingSeed?: number;
  gridMax?: number;
  seeds?: number;
  firstSeed?: number;
  eta?: number;
  minSeeds?: number;
  halving: boolean;
  top?: number;
  jobs?: number;
  duration?: string;
  quiet?: boolean;
  progress?: boolean;
  strict?: boolean;
}

/** Where a tune's report, winner and response surface go; merge takes the same. */
export interface TuneOutputOptions {
  format: (typeof TUNE_FORMATS)[number];
  /** The report's file (`--output-file`, or the old `-o FILE`). */
  output?: string;
  /** The option that named it, for errors. */
  outputOption?: string;
  patch?: string;
  html?: string;
}

/** A problem with the request or the parts is the user's to fix: one line, exit 1. */
export function asUsageProblem(e: unknown): unknown {
  return e instanceof TuneSpecError || e instanceof PartError ? new UsageProblem(e.message) : e;
}

export function tuneRequest(options: TuneCliOptions): TuneRequest {
  if (options.objective.length === 0)
    throw new UsageProblem("tune needs --objective, e.g. 'minimize errorRate'");
  const defined = <T>(key: string, value: T | undefined) => (value !== undefined ? { [key]: value } : {});
  return {
    vary: options.vary,
    objectives: options.objective,
    constraints: options.constraint,
    search: options.search,
    ...defined('samples', options.samples),
    ...defined('samplingSeed', options.samplingSeed),
    ...defined('gridMax', options.gridMax),
    ...defined('seeds', options.seeds),
    ...defined('firstSeed', options.firstSeed),
    ...defined('top', options.top),
    halving:
      options.halving === false
        ? false
        : options.eta !== undefined || options.minSeeds !== undefined
          ? { ...defined('eta', options.eta), ...defined('minSeeds', options.minSeeds) }
          : undefined,
  } as TuneRequest;
}

/** The formats of tune's (and merge's) report. */
export const TUNE_FORMATS = ['table', 'json'] as const;

/** `-o FORMAT`/`-f FORMAT` and `--output-file FILE` (or the old `-o FILE`), as the other commands read them. */
export function resolveTuneOutput(
  command: Command,
  options: TuneOutputOptions,
  context: CommandContext,
): void {
  const { format, file, fileOption } = resolveOutput(command, TUNE_FORMATS, context.io);
  options.format = format;
  options.output = file;
  options.outputOption = fileOption;
}

/** The files of --output-file, --patch and --html, opened before the runs so that a bad path fails at once. */
export interface TuneOutputFiles {
  format: TuneOutputOptions['format'];
  output?: OutputFile;
  patch?: OutputFile;
  html?: OutputFile;
}

export function openTuneOutputs(options: TuneOutputOptions): TuneOutputFiles {
  const files: TuneOutputFiles = { format: options.format };
  if (options.output !== undefined) files.output = openOutput(options.output, options.outputOption);
  if (options.patch !== undefined) files.patch = openOutput(options.patch, '--patch');
  if (options.html !== undefined) files.html = openOutput(options.html, '--html');
  return files;
}

/**
 * Writes the report (stdout or --output), the winner (--patch) and the response surface (--html). The
 * table and page are loaded here, when a tune or merge has a report to write.
 */
export async function writeTuneOutputs(
  context: CommandContext,
  report: TuneReport,
  files: TuneOutputFiles,
): Promise<void> {
  const text =
    files.format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : (await import('../format-tune.js')).formatTuneTable(report);
  writeOutput(context.io, text, files.output);
  if (files.patch !== undefined) {
    if (report.winner === null) {
      closeSync(files.patch.fd);
      throw new UsageProblem('no config meets every constraint: there is no winner to write');
    }
    writeOutput(context.io, report.winner.patch, files.patch);
  }
  if (files.html !== undefined) {
    const { formatTuneHtml } = await import('../../render/tune-html.js');
    writeOutput(context.io, formatTuneHtml(report), files.html);
  }
}

/** What a shard that could not finish every rung says, and whether that is a failure (a wait that ran out). */
function shardNote(r: TuneShardResult, options: TuneCliOptions): { text: string; failed: boolean } {
  const where = options.out === undefined ? '' : ` in ${options.out}`;
  const head = `meshsim tune: shard ${r.shard.index}/${r.shard.count}: ${r.mine} runs of its share${where} (${r.ran} run now, ${r.total} in the whole plan)`;
  if (r.outcome.complete)
    return { text: `${head}; every rung complete: meshsim merge the parts\n`, failed: false };
  const rung = r.outcome.rung + 1;
  const rungs = r.plan.rungs.length;
  if (options.wait !== undefined) {
    const text = `${head}; waited ${options.from.join(', ')} in vain for the other shards' runs of rung ${rung} of ${rungs}\n`;
    return { text, failed: true };
  }
  if (rung === rungs) {
    return {
      text: `${head}; its share of the last rung is done: meshsim merge the parts once every shard's is\n`,
      failed: false,
    };
  }
  return {
    text: `${head}; its share of rung ${rung} of ${rungs} is done, and rung ${rung + 1} needs every shard's: when they are done, run the shards again with --from their parts (or run them with --from a shared directory and --wait)\n`,
    failed: false,
  };
}

/** `meshsim tune`: the best config over several fields, with intervals, the Pareto front and the winner's YAML. */
export function addTuneCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('tune')
    .description(
      'search several fields of the config for the best policy: grid or sampled, halving over seeds',
    )
    .argument('<files...>', 'YAML files, as for run')
    .option(
      '--vary <field=values>',
      'a field and its values, as for compare --sweep (repeat for more fields)',
      collect,
      [],
    )
    .option(
      '--objective <goal>',
      "'minimize METRIC' or 'maximize METRIC' (once, or twice for a Pareto front)",
      collect,
      [],
    )
    .option(
      '--constraint <bound>',
      "a bound on a metric's mean, e.g. 'p99 < 300ms' (repeatable)",
      collect,
      [],
    )
    .addOption(
      new Option('--search <how>', 'grid, random or lhs (Latin hypercube); auto: grid when small')
        .choices(['auto', 'grid', 'random', 'lhs'])
        .default('auto'),
    )
    .option('--grid-max <n>', 'the largest grid auto searches whole (default 64)', parseCount(1))
    .option('--samples <n>', 'configs random or lhs draws (default 50)', parseCount(1))
    .option('--sampling-seed <n>', "the sampling's seed (default 1)", parseSeed)
    .option('--seeds <n>', 'seeds per config at most (default 10)', parseCount(2))
    .option('--first-seed <n>', 'the first seed (default 1)', parseSeed)
    .option('--eta <n>', 'halving: keep 1/η of each rung, η times the seeds (default 3)', parseCount(2))
    .option('--min-seeds <n>', "halving: the first rung's seeds (default 2)", parseCount(2))
    .option('--no-halving', 'run every sampled config on all seeds')
    .option('--top <n>', 'how many of the best configs to report with intervals (default 5)', parseCount(1))
    .option('-j, --jobs <n>', 'worker threads (default: the number of cores)', parseCount(1))
    .option('-d, --duration <duration>', "override the Scenario's duration");
  addOutputOptions(command, TUNE_FORMATS)
    .option('--patch <file>', "write the winner's resources (YAML to apply) to FILE")
    .option('--html <file>', 'write the response surface as an HTML page to FILE')
    .option(
      '--wait <duration>',
      "with --shard and --from: wait this long for the other shards' runs between rungs",
      parseWait,
    )
    .option('-q, --quiet', 'no progress on stderr')
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .option('--progress', 'progress lines on stderr even when it is not a terminal (a log, a pod)');
  addShardOptions(command, 'tune').action(async (files: string[], options: TuneCliOptions) => {
    resolveTuneOutput(command, options, context);
    try {
      await runTune(context, files, options);
    } catch (e) {
      throw asUsageProblem(e);
    }
  });
}

async function runTune(context: CommandContext, files: string[], options: TuneCliOptions): Promise<void> {
  checkShardOptions(options);
  const spec: SimulationSpec = {
    config: readSources(files),
    specOrigin: 'command line',
    ...(options.strict === true ? { strict: true } : {}),
    ...scenarioOverrides(options),
  };
  const outputs = options.shard === undefined ? openTuneOutputs(options) : { format: options.format };
  const progress = tuneProgressOn(context.io, options);
  // Loaded when the command runs: the other commands start without the tuner.
  const { tuneWithParts } = await import('../../shard/sharded-runs.js');
  const result = await tuneWithParts(spec, tuneRequest(options), {
    ...(options.jobs !== undefined ? { threads: options.jobs } : {}),
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.wait !== undefined ? { waitMs: options.wait } : {}),
    from: options.from,
    onRunDone: (done) => progress.onRunDone(done),
    onProgress: (p) => progress.onProgress(p),
  });
  progress.done();
  if (options.shard !== undefined) {
    const note = shardNote(result, options);
    context.io.stderr(note.text);
    if (note.failed) context.exitCode = 1;
    return;
  }
  await writeTuneOutputs(context, result.report!, outputs);
}
