import { type CompareReport, summarizeCompare } from '../compare/compare.js';
import type { MetricValues } from '../compare/metrics.js';
import { type SweepReport, summarizeSweep } from '../compare/sweep.js';
import { walkRungs } from '../tune/engine.js';
import { type TuneReport, tuneReport } from '../tune/report.js';
import { knownRunSource, ownerOf, type RunResults } from '../tune/run-source.js';
import { type LoadedPart, PartError, type PartPlan } from './part-file.js';

/** The parts of one plan, checked against each other, and their runs together. */
export interface PartSet {
  fingerprint: string;
  count: number;
  plan: PartPlan;
  runs: RunResults;
}

const same = (a: MetricValues, b: MetricValues): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));

/** Every part must be of the first one's plan and shard count; no shard twice. */
function checkSameRun(parts: readonly LoadedPart[]): void {
  const first = parts[0]!;
  const byIndex = new Map<number, string>();
  for (const { file, part } of parts) {
    if (part.fingerprint !== first.part.fingerprint) {
      throw new PartError(
        `${file} is a part of another plan than ${first.file} (other inputs, options or meshsim version: fingerprint ${part.fingerprint.slice(0, 12)}… against ${first.part.fingerprint.slice(0, 12)}…); merge the parts of one run only`,
      );
    }
    if (part.shard.count !== first.part.shard.count) {
      throw new PartError(
        `${file} is shard ${part.shard.index}/${part.shard.count} but ${first.file} is one of ${first.part.shard.count}: the shards of one run share their count`,
      );
    }
    const other = byIndex.get(part.shard.index);
    if (other !== undefined) {
      throw new PartError(
        `${other} and ${file} are both shard ${part.shard.index}/${part.shard.count}: give each shard's part once`,
      );
    }
    byIndex.set(part.shard.index, file);
  }
}

/**
 * Checks that the parts belong to one run (same fingerprint and shard count, no shard twice, and with
 * `all`, every shard there) and pools their runs, refusing two parts that disagree on a run.
 */
export function combineParts(parts: readonly LoadedPart[], all: boolean): PartSet {
  if (parts.length === 0) throw new PartError('no part files given');
  checkSameRun(parts);
  const first = parts[0]!.part;
  if (all) {
    const present = new Set(parts.map((p) => p.part.shard.index));
    const missing = Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !present.has(i));
    if (missing.length > 0) {
      throw new PartError(
        `shard(s) ${missing.map((i) => `${i}/${first.shard.count}`).join(', ')} missing: ${parts.length} of ${first.shard.count} parts given`,
      );
    }
  }
  const runs: RunResults = {};
  const from: Record<string, string> = {};
  for (const { file, part } of parts) {
    for (const [key, values] of Object.entries(part.runs)) {
      const had = runs[key];
      if (had !== undefined && !same(had, values)) {
        throw new PartError(
          `${from[key]} and ${file} disagree on run ${key}: were they made by one meshsim?`,
        );
      }
      runs[key] = values;
      from[key] = file;
    }
  }
  return { fingerprint: first.fingerprint, count: first.shard.count, plan: first.plan, runs };
}

export type Merged =
  | { kind: 'compare'; report: CompareReport }
  | { kind: 'sweep'; report: SweepReport }
  | { kind: 'tune'; report: TuneReport };

function missingText(keys: readonly string[], count: number, positionOf: (key: string) => number): string {
  const shards = [...new Set(keys.map((k) => ownerOf(positionOf(k), count)))].sort((a, b) => a - b);
  return `${keys.length} run(s) missing (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}), of shard(s) ${shards.map((s) => `${s}/${count}`).join(', ')}`;
}

function jobResults(set: PartSet, jobs: number): MetricValues[] {
  const keys = Array.from({ length: jobs }, (_, i) => String(i));
  const missing = keys.filter((k) => set.runs[k] === undefined);
  if (missing.length > 0) {
    throw new PartError(
      `${missingText(missing, set.count, Number)}: those shards stopped early; run them again (they resume from their parts)`,
    );
  }
  return keys.map((k) => set.runs[k]!);
}

/** The report of the merged runs: the same, byte for byte, as the run on one machine. */
export async function mergeParts(set: PartSet): Promise<Merged> {
  const { plan } = set;
  if (plan.kind === 'compare') {
    const { kind: _kind, jobs, ...summary } = plan;
    return { kind: 'compare', report: summarizeCompare(summary, jobResults(set, jobs)) };
  }
  if (plan.kind === 'sweep') {
    const { kind: _kind, jobs, ...summary } = plan;
    return { kind: 'sweep', report: summarizeSweep(summary, jobResults(set, jobs)) };
  }
  const outcome = await walkRungs(plan, knownRunSource(set.runs));
  if (!outcome.complete) {
    const position = new Map(outcome.keys.map((k, i) => [k, i]));
    throw new PartError(
      `rung ${outcome.rung + 1} of ${plan.rungs.length} is not complete: ${missingText(outcome.missing, set.count, (k) => position.get(k)!)}; run those shards (again) with --from the parts, so they see every shard's runs of the rungs before`,
    );
  }
  return { kind: 'tune', report: tuneReport(plan, outcome.rungs) };
}
