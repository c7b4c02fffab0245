import { type Command, InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../config/resources/durations.js';
import type { ShardSpec } from '../tune/run-source.js';
import { UsageProblem } from './usage-problem.js';

/** `--shard K/N`: shard K (1…N) of N. */
export function parseShard(value: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count)
    throw new InvalidArgumentError('must be K/N with 1 ≤ K ≤ N, e.g. 2/4');
  if (count > 10_000) throw new InvalidArgumentError('at most 10000 shards');
  return { index, count };
}

export function parseWait(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration, e.g. 30m or 2h');
  return ms;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface ShardCliOptions {
  shard?: ShardSpec;
  out?: string;
  from: string[];
  wait?: number;
}

/** The options that spread a run over machines, for compare and tune alike. */
export function addShardOptions(command: Command, what: string): Command {
  return command
    .option(
      '--shard <K/N>',
      `run shard K of N of the ${what}'s plan (write it with --out; meshsim merge joins them)`,
      parseShard,
    )
    .option('--out <part.json>', 'write the runs to this part file as they finish; a rerun resumes from it')
    .option('--from <path>', 'reuse the runs of these parts (files or directories); repeatable', collect, []);
}

/** --shard writes a part, so it needs --out; --wait needs parts to wait for. */
export function checkShardOptions(options: ShardCliOptions): void {
  if (options.shard !== undefined && options.out === undefined)
    throw new UsageProblem('--shard needs --out FILE: the part meshsim merge joins with the other shards');
  if (options.wait !== undefined && options.from.length === 0)
    throw new UsageProblem('--wait needs --from: the directory where the other shards write their parts');
}
