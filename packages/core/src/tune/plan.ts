import { checkedSpec } from '../compare/compare.js';
import type { SweepAxis } from '../compare/sweep.js';
import type { SimulationSpec } from '../simulate.js';
import { type HalvingOptions, type RungSize, rungSizes } from './halving.js';
import {
  parseConstraint,
  parseObjective,
  type TuneConstraint,
  type TuneObjective,
  TuneSpecError,
} from './objectives.js';
import {
  type Candidate,
  gridCandidates,
  gridSize,
  latinHypercubeCandidates,
  randomCandidates,
} from './sampling.js';
import { resolveAxes, type TuneAxis } from './space.js';
import { checkFieldPath, sameTarget, type TargetDocument, targetDocuments } from './winner-patch.js';

export type TuneSearch = 'grid' | 'random' | 'lhs';

/** What to tune and how: the axes, the goals, the search and its seeds. */
export interface TuneRequest {
  /** The fields to vary: `FIELD=VALUES` as on the command line (`spec.…=1..10`, `10s,30s`), or axes. */
  vary: ReadonlyArray<string | SweepAxis>;
  /** One objective (`minimize errorRate`) or two (then the report has their Pareto front). */
  objectives: ReadonlyArray<string | TuneObjective>;
  /** Bounds on the means (`p99 < 300ms`); a config that misses one ranks after every one that does not. */
  constraints?: ReadonlyArray<string | TuneConstraint>;
  /** `grid` (every config), `random` or `lhs` (Latin hypercube). Default: grid up to `gridMax` configs, else lhs. */
  search?: TuneSearch | 'auto';
  /** The largest grid `auto` searches whole. Default 64. */
  gridMax?: number;
  /** Configs drawn by random or lhs sampling (repeats dropped). Default 50. */
  samples?: number;
  /** Seed of the sampling's own random stream. Default 1. */
  samplingSeed?: number;
  /** Seeds per config at most: firstSeed, firstSeed+1, … Default 10. */
  seeds?: number;
  firstSeed?: number;
  /** Successive halving over seeds. Default: on for random and lhs ({ eta: 3, minSeeds: 2 }), off for grid. */
  halving?: Partial<HalvingOptions> | false;
  /** How many of the best configs the report gives intervals for. Default 5. */
  top?: number;
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
}

/** A tune, decided before any run: plain data, the same on any machine for the same inputs. */
export interface TunePlan {
  scenario: string;
  axes: TuneAxis[];
  /** Each config as the index of its value on each axis. */
  candidates: Candidate[];
  objectives: TuneObjective[];
  constraints: TuneConstraint[];
  search: { method: TuneSearch; gridSize: number; samples: number | null; samplingSeed: number | null };
  /** Every seed a config may run on; rung k runs the first `rungs[k].seeds` of them. */
  seeds: number[];
  halving: HalvingOptions | null;
  top: number;
  rungs: RungSize[];
  level: number;
  /** The resources the axes change, as written: the winner is written from them. */
  targets: TargetDocument[];
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min)
    throw new TuneSpecError(`${name} must be an integer ≥ ${min}, got ${n}`);
  return n;
}

function goals(request: TuneRequest): { objectives: TuneObjective[]; constraints: TuneConstraint[] } {
  const objectives = request.objectives.map((o) => (typeof o === 'string' ? parseObjective(o) : o));
  if (objectives.length < 1 || objectives.length > 2)
    throw new TuneSpecError(`tune takes one or two objectives, got ${objectives.length}`);
  if (objectives.length === 2 && objectives[0]!.metric === objectives[1]!.metric)
    throw new TuneSpecError(`the two objectives are both ${objectives[0]!.metric}`);
  const constraints = (request.constraints ?? []).map((c) =>
    typeof c === 'string' ? parseConstraint(c) : c,
  );
  return { objectives, constraints };
}

function searchOf(request: TuneRequest, sizes: number[]) {
  const size = gridSize(sizes);
  const samples = count('samples', request.samples, 50, 1);
  const requested = request.search ?? 'auto';
  const method: TuneSearch =
    requested === 'auto' ? (size <= count('gridMax', request.gridMax, 64, 1) ? 'grid' : 'lhs') : requested;
  if (method === 'grid' && size > 100_000)
    throw new TuneSpecError(`the grid has ${size} configs; sample it (search lhs or random) instead`);
  const samplingSeed = method === 'grid' ? null : (request.samplingSeed ?? 1);
  if (samplingSeed !== null && !Number.isInteger(samplingSeed))
    throw new TuneSpecError(`samplingSeed must be an integer, got ${samplingSeed}`);
  const candidates =
    method === 'grid'
      ? gridCandidates(sizes)
      : method === 'random'
        ? randomCandidates(sizes, samples, samplingSeed!)
        : latinHypercubeCandidates(sizes, samples, samplingSeed!);
  return {
    candidates,
    search: { method, gridSize: size, samples: method === 'grid' ? null : samples, samplingSeed },
  };
}

function halvingOf(request: TuneRequest, method: TuneSearch): HalvingOptions | null {
  if (request.halving === false || (request.halving === undefined && method === 'grid')) return null;
  const eta = count('eta', request.halving?.eta, 3, 2);
  const minSeeds = count('minSeeds', request.halving?.minSeeds, 2, 2);
  return { eta, minSeeds };
}

/** Checks the request against the spec and decides everything a tune will run, before it runs anything. */
export function planTune(spec: SimulationSpec, request: TuneRequest): TunePlan {
  const { scenario } = checkedSpec(spec);
  const axes = resolveAxes(spec, request.vary);
  const { objectives, constraints } = goals(request);
  const { candidates, search } = searchOf(
    request,
    axes.map((a) => a.values.length),
  );
  const maxSeeds = count('seeds', request.seeds, 10, 2);
  const firstSeed = request.firstSeed ?? 1;
  if (!Number.isInteger(firstSeed)) throw new TuneSpecError(`firstSeed must be an integer, got ${firstSeed}`);
  const level = request.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new TuneSpecError(`level must be in (0, 1), got ${level}`);
  const halving = halvingOf(request, search.method);
  const top = count('top', request.top, 5, 1);
  const targets = targetDocuments(
    spec,
    axes.map((a) => a.target),
  );
  for (const axis of axes) checkFieldPath(targets.find((t) => sameTarget(t, axis.target))!, axis.field);
  return {
    scenario,
    axes,
    candidates,
    objectives,
    constraints,
    search,
    seeds: Array.from({ length: maxSeeds }, (_, i) => firstSeed + i),
    halving,
    top,
    rungs: rungSizes(candidates.length, maxSeeds, halving, top),
    level,
    targets,
  };
}
