import { type Command, Option } from 'commander';
import { compareInParallel, type Variants } from '../../compare/compare.js';
import { parseSweep, sweep } from '../../compare/sweep.js';
import type { SimulationSpec } from '../../simulate.js';
import { formatCompareTable, formatSweepTable } from '../format-compare.js';
import { collectVariant, parseCount, parseSeed } from '../option-values.js';
import { batchProgressText, progressLineOn } from '../progress.js';
import { readSources } from '../read-input.js';
import { scenarioOverrides } from '../scenario-overrides.js';
import { UsageProblem } from '../usage-problem.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

interface CompareCliOptions {
  vary: Array<[string, string]>;
  sweep?: string;
  seeds?: number;
  firstSeed?: number;
  independent?: boolean;
  jobs?: number;
  format: 'table' | 'json';
  duration?: string;
  quiet?: boolean;
  strict?: boolean;
}

/** How the runs of a compare or sweep are spread over workers and seeded. */
interface Batch {
  threads?: number;
  onRunDone: (done: number, total: number) => void;
  seeds?: number;
  firstSeed?: number;
}

/** `meshsim compare`: variants of a config on the same seeds, or a sweep over one field. */
export function addCompareCommand(program: Command, { io }: CommandContext): void {
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
    .option('--strict', 'treat warnings (unknown fields, endpoints no host has …) as errors')
    .action(async (files: string[], options: CompareCliOptions) => {
      if (options.vary.length > 0 === (options.sweep !== undefined)) {
        throw new UsageProblem('compare wants --vary NAME=PATCH.yaml (one or more) or --sweep FIELD=VALUES');
      }
      const spec: SimulationSpec = {
        config: readSources(files),
        specOrigin: 'command line',
        ...(options.strict === true ? { strict: true } : {}),
        ...scenarioOverrides(options),
      };
      const progress = progressLineOn(io, options.quiet);
      const batch: Batch = {
        ...(options.jobs !== undefined ? { threads: options.jobs } : {}),
        onRunDone: (done: number, total: number) =>
          progress.update(() => batchProgressText(done, total, progress.elapsedMs)),
        ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
        ...(options.firstSeed !== undefined ? { firstSeed: options.firstSeed } : {}),
      };
      const text =
        options.sweep !== undefined
          ? await sweepText(spec, options.sweep, batch, options.format)
          : await compareText(spec, options, batch);
      progress.done();
      writeOutput(io, text);
    });
}

async function sweepText(
  spec: SimulationSpec,
  field: string,
  batch: Batch,
  format: CompareCliOptions['format'],
): Promise<string> {
  let axis: ReturnType<typeof parseSweep>;
  try {
    axis = parseSweep(field);
  } catch (e) {
    throw new UsageProblem((e as Error).message);
  }
  const result = await sweep(spec, axis, batch);
  return format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSweepTable(result);
}

async function compareText(spec: SimulationSpec, options: CompareCliOptions, batch: Batch): Promise<string> {
  const variants: Variants = {};
  // One variant alone is compared with the config as written.
  if (options.vary.length === 1) variants['as-written'] = null;
  for (const [name, file] of options.vary) {
    if (name in variants) throw new UsageProblem(`two variants are named ${name}`);
    variants[name] = readSources([file])[0]!;
  }
  const result = await compareInParallel(spec, variants, {
    ...batch,
    pairing: options.independent === true ? 'independent' : 'common',
  });
  return options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatCompareTable(result);
}
