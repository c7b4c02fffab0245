import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Variants } from '../../compare/compare.js';
import { MAX_THREADS, threadsFor } from '../../compare/pool-size.js';
import { RunWorkers } from '../../compare/run-workers.js';
import { MAX_SEEDS } from '../../compare/seeds.js';
import { parseSweep, type SweepAxis } from '../../compare/sweep-axis.js';
import { PartError } from '../../shard/part-error.js';
import type { ShardResult } from '../../shard/sharded-runs.js';
import type { SimulationSpec } from '../../simulate.js';
import { formatCompareTable, formatSweepTable } from '../format-compare.js';
import { collectVariant, parseCount, parseSeed } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { batchProgressText, progressLineOn } from '../progress.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import { addShardOptions, checkShardOptions, type ShardCliOptions } from '../shard-options.js';
import { UsageProblem } from '../usage-problem.js';
import { openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

interface CompareCliOptions extends ShardCliOptions {
  vary: Array<[string, string]>;
  sweep?: string;
  seeds?: number;
  firstSeed?: number;
  independent?: boolean;
  jobs?: number;
  format: (typeof COMPARE_FORMATS)[number];
  duration?: string;
  quiet?: boolean;
  progress?: boolean;
  strict?: boolean;
}

const COMPARE_FORMATS = ['table', 'json', 'yaml', 'html'] as const;

/** How the runs of a compare or sweep are spread over workers and seeded. */
interface Batch {
  threads?: number;
  onRunDone: (done: number, total: number) => void;
  seeds?: number;
  firstSeed?: number;
}

/** `meshsim compare`: variants of a config on the same seeds, or a sweep over one field. */
export function addCompareCommand(program: Command, { io }: CommandContext): void {
  const command = program
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
      `seeds per variant (compare: default 30, 2..${MAX_SEEDS}; sweep: default the Scenario seed once)`,
      parseCount(1, MAX_SEEDS),
    )
    .option('--first-seed <n>', 'the first seed (default 1)', parseSeed)
    .option(
      '--independent',
      'give each variant its own seeds (seed + 10000·j) instead of common random numbers',
    )
    .option(
      '-j, --jobs <n>',
      `worker threads (default: the number of cores; at most ${MAX_THREADS})`,
      parseCount(1, MAX_THREADS),
    );
  addOutputOptions(command, COMPARE_FORMATS)
    .option('-d, --duration <duration>', "override the Scenario's duration")
    .option('-q, --quiet', 'no progress on stderr')
    .option('--progress', 'progress on stderr even where it is not a terminal (CI logs): a line every 5 s')
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors');
  addShardOptions(command, 'compare').action(async (files: string[], options: CompareCliOptions) => {
    // Usage errors exit 2, as commander's own do.
    const usage = (message: string): never => command.error(`error: ${message}`);
    const { format, file, fileOption } = resolveOutput(command, COMPARE_FORMATS, io);
    options.format = format;
    checkCompareUsage(options, usage);
    const spec: SimulationSpec = {
      config: readSources(files),
      specOrigin: 'command line',
      ...(options.strict === true ? { strict: true } : {}),
      ...scenarioOverrides(options),
    };
    const progress = progressLineOn(io, options.quiet, options.progress);
    const batch: Batch = {
      ...(options.jobs !== undefined ? { threads: options.jobs } : {}),
      onRunDone: (done: number, total: number) =>
        progress.update(() => batchProgressText(done, total, progress.elapsedMs)),
      ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
      ...(options.firstSeed !== undefined ? { firstSeed: options.firstSeed } : {}),
    };
    if (options.shard !== undefined || options.out !== undefined || options.from.length > 0) {
      checkShardOptions(options);
      if (options.out === undefined) usage('--from needs --out: the part to write');
      const done = await compareShardRun(spec, options, batch, usage);
      progress.done();
      io.stderr(
        `meshsim compare: shard ${done.shard.index}/${done.shard.count}: ${done.mine} of ${done.total} runs in ${options.out} (${done.ran} run now); meshsim merge joins the parts\n`,
      );
      return;
    }
    // Opened before the runs: a bad path fails in a moment, not after them.
    const output = file === undefined ? undefined : openOutput(file, fileOption);
    const axis = options.sweep !== undefined ? sweepAxis(options.sweep, usage) : undefined;
    // The workers start loading the engine now, while this thread loads it and plans every run.
    const workers = RunWorkers.start(threadsFor(options.jobs, runCount(options, axis)));
    let text: string;
    try {
      text =
        axis !== undefined
          ? await sweepText(workers, spec, axis, batch, options.format)
          : await compareText(workers, spec, options, batch, usage);
    } finally {
      await workers.close();
    }
    progress.done();
    writeOutput(io, text, output);
  });
}

type Usage = (message: string) => never;

/** What the options must say before anything is read: one of --vary and --sweep, seeds that exist. */
function checkCompareUsage(options: CompareCliOptions, usage: Usage): void {
  if (options.vary.length > 0 === (options.sweep !== undefined))
    usage('compare wants --vary NAME=PATCH.yaml (one or more) or --sweep FIELD=VALUES');
  const seeds = options.seeds;
  if (seeds !== undefined && options.sweep === undefined && seeds < 2)
    usage(`--seeds ${seeds}: compare needs at least 2 seeds for its intervals`);
  const count = seeds ?? (options.sweep === undefined ? 30 : 1);
  const last = (options.firstSeed ?? 1) + count - 1;
  if (!Number.isSafeInteger(last))
    usage(
      `--first-seed ${options.firstSeed} with ${count} seeds goes past ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`,
    );
}

/** How many runs the compare or sweep asks for, to start no more workers than it has runs. */
function runCount(options: CompareCliOptions, axis: SweepAxis | undefined): number {
  if (axis !== undefined) return axis.values.length * (options.seeds ?? 1);
  return Math.max(2, options.vary.length) * (options.seeds ?? 30);
}

async function sweepText(
  workers: RunWorkers,
  spec: SimulationSpec,
  axis: SweepAxis,
  batch: Batch,
  format: CompareCliOptions['format'],
): Promise<string> {
  const { sweepOnWorkers } = await import('../../compare/sweep.js');
  const result = await sweepOnWorkers(workers, spec, axis, batch);
  if (format === 'table') return formatSweepTable(result);
  if (format === 'html') return (await import('../compare-html.js')).formatSweepHtml(result);
  return format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : stringify(result, { lineWidth: 0 });
}

/** Shard K of N of the compare or sweep, its runs written to --out. */
async function compareShardRun(
  spec: SimulationSpec,
  options: CompareCliOptions,
  batch: Batch,
  usage: Usage,
): Promise<ShardResult> {
  const shardOptions = {
    ...batch,
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    out: options.out!,
    from: options.from,
  };
  const { compareShard, sweepShard } = await import('../../shard/sharded-runs.js');
  try {
    if (options.sweep !== undefined)
      return await sweepShard(spec, sweepAxis(options.sweep, usage), shardOptions);
    return await compareShard(spec, compareVariants(options, usage), {
      ...shardOptions,
      pairing: options.independent === true ? 'independent' : 'common',
    });
  } catch (e) {
    throw e instanceof PartError ? new UsageProblem(e.message) : e;
  }
}

function sweepAxis(field: string, usage: Usage): SweepAxis {
  try {
    return parseSweep(field);
  } catch (e) {
    return usage((e as Error).message);
  }
}

function compareVariants(options: CompareCliOptions, usage: Usage): Variants {
  const variants: Variants = {};
  // One variant alone is compared with the config as written.
  if (options.vary.length === 1) variants['as-written'] = null;
  for (const [name, file] of options.vary) {
    if (name in variants) usage(`two variants are named ${name}`);
    variants[name] = readSources([file])[0]!;
  }
  return variants;
}

async function compareText(
  workers: RunWorkers,
  spec: SimulationSpec,
  options: CompareCliOptions,
  batch: Batch,
  usage: Usage,
): Promise<string> {
  const { compareOnWorkers } = await import('../../compare/compare.js');
  const result = await compareOnWorkers(workers, spec, compareVariants(options, usage), {
    ...batch,
    pairing: options.independent === true ? 'independent' : 'common',
  });
  if (options.format === 'table') return formatCompareTable(result);
  if (options.format === 'html') return (await import('../compare-html.js')).formatCompareHtml(result);
  return options.format === 'json'
    ? `${JSON.stringify(result, null, 2)}\n`
    : stringify(result, { lineWidth: 0 });
}
