import type { RunPlan } from '../config/plan/run-plan.js';
import { scenarioReporter } from '../config/plan/scenario-diagnostics.js';
import { ConfigError, type Diagnostic, hasErrors } from '../config/resources/diagnostics.js';
import type { LoadedConfig } from '../config/resources/load.js';
import type { Expectation, ExpectationKind } from '../config/resources/schema/scenario-expect.js';
import { whyNotes } from '../explain/why-notes.js';
import type { Report } from '../observe/report.js';
import { planSimulation, type ResolvedScenario, type SimulationSpec } from '../simulate.js';
import { type RunHooks, runPlan } from '../simulation/run.js';
import { type WhyBehind, whyBehind } from './behind.js';
import { checkAfterRun, checkBeforeRun, problemsAt } from './check-selectors.js';
import { describeBounds, describeExpectation, type FigureUnit, UNIT_OF } from './describe.js';
import { figureOf } from './figures.js';
import { type FigureInterval, judgeMany, judgeOne, type Verdict } from './judge.js';

/** The default level of the intervals replicated expectations are judged by. */
export const DEFAULT_CONFIDENCE = 0.95;

/** One expectation of `spec.expect`, judged. */
export interface ExpectationResult {
  /** Its index in `spec.expect`. */
  index: number;
  /** Its `name`, or what it bounds in words: `p99 latency ≤ 250ms`. */
  description: string;
  kind: ExpectationKind;
  /** The bounds as written: `≤ 250ms`, `between 1 and 3`. */
  expected: string;
  verdict: Verdict;
  passed: boolean;
  /** What the run(s) showed: `312.40 ms`, or the mean and its interval. */
  got: string;
  /** The verdict in one sentence. */
  reason: string;
  unit: FigureUnit;
  /** The figure (a share 0..1, milliseconds or a count); with replications the mean. */
  value: number;
  interval?: FigureInterval;
  /** Each run's figure, in seed order. */
  runs: number[];
  /** Where the expectation is written (line 0: given in code). */
  file: string;
  line: number;
  column: number;
  /** A failed expectation: the first run's why notes that bear on its figure. */
  why: WhyBehind[];
}

export interface ExpectationsOutcome {
  scenario: string;
  /** The seeds the expectations were judged on: the Scenario's seed and the next ones. */
  seeds: number[];
  confidence: number;
  passed: boolean;
  results: ExpectationResult[];
}

/** A run checked against its expectations: the first seed's report, and the verdicts. */
export interface CheckedRun {
  report: Report;
  plan: RunPlan;
  loaded: LoadedConfig;
  /** null: the Scenario has no expectations. */
  expectations: ExpectationsOutcome | null;
  /** Warnings about replications and confidence that change nothing. */
  warnings: Diagnostic[];
}

function planned(spec: SimulationSpec): { plan: RunPlan; loaded: LoadedConfig; scenario: ResolvedScenario } {
  const { plan, diagnostics, loaded, scenario } = planSimulation(spec);
  if (plan === null || scenario === undefined) throw new ConfigError(diagnostics);
  return { plan, loaded, scenario };
}

function uselessFields(scenario: ResolvedScenario): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const at = scenarioReporter(scenario.origin, warnings);
  const { expect, replications, confidence } = scenario.spec;
  if (replications > 1 && expect.length === 0)
    at(
      ['replications'],
      'warning',
      'repeats the runs expectations are judged on; with no expect it does nothing',
    );
  if (confidence !== undefined && replications === 1)
    at(
      ['confidence'],
      'warning',
      'applies to replicated expectations only; with replications 1 it does nothing',
    );
  return warnings;
}

/** A spec planned and its expectations checked against the plan, ready to run. */
export interface ExpectationPlan {
  spec: SimulationSpec;
  plan: RunPlan;
  loaded: LoadedConfig;
  scenario: ResolvedScenario;
  warnings: Diagnostic[];
}

/**
 * Plans the spec and checks what its expectations name against the plan (clusters, response flags,
 * breakers). Throws `ConfigError` on bad input.
 */
export function planExpectations(spec: SimulationSpec): ExpectationPlan {
  const { plan, loaded, scenario } = planned(spec);
  const problems: Diagnostic[] = [];
  checkBeforeRun(scenario.spec.expect, plan, problemsAt(scenario.origin, problems));
  if (hasErrors(problems)) throw new ConfigError(problems);
  return { spec, plan, loaded, scenario, warnings: uselessFields(scenario) };
}

/**
 * Runs a planned spec and judges its Scenario's `expect` bounds: on the one run, or with `replications:
 * N` over seeds seed … seed + N − 1, by the Student-t interval of the mean at `confidence` (95 %). The
 * report returned is the first seed's; `hooks` observe that run only. Throws `ConfigError` when an
 * expectation names a host or counter the run does not have.
 */
export function runExpectations(ready: ExpectationPlan, hooks: RunHooks = {}): CheckedRun {
  return judgeExpectations(ready, runPlan(ready.plan, hooks));
}

/**
 * Judges a planned spec's expectations given its first seed's report, already run (the CLI plays it in
 * slices so that a signal can stop it); the other replications are run here.
 */
export function judgeExpectations(ready: ExpectationPlan, report: Report): CheckedRun {
  const { spec, plan, loaded, scenario, warnings } = ready;
  const expectations = scenario.spec.expect;
  if (expectations.length === 0) return { report, plan, loaded, expectations: null, warnings };
  const problems: Diagnostic[] = [];
  checkAfterRun(expectations, report, problemsAt(scenario.origin, problems));
  if (hasErrors(problems)) throw new ConfigError(problems);
  const seeds = Array.from({ length: scenario.spec.replications }, (_, i) => plan.seed + i);
  const runs = expectations.map((e) => [figureOf(e, report)]);
  for (const seed of seeds.slice(1)) {
    const other = runPlan(planned({ ...spec, seed }).plan);
    expectations.forEach((e, i) => {
      runs[i]!.push(figureOf(e, other));
    });
  }
  const confidence = scenario.spec.confidence?.value ?? DEFAULT_CONFIDENCE;
  const notes = whyNotes(report, { plan, loaded });
  const how = { seeds, confidence, durationMs: plan.durationMs };
  const results = expectations.map((e, i) => judged(e, i, runs[i]!, how, scenario, notes));
  const outcome = {
    scenario: plan.scenario,
    seeds,
    confidence,
    passed: results.every((r) => r.passed),
    results,
  };
  return { report, plan, loaded, expectations: outcome, warnings };
}

/** `planExpectations` then `runExpectations`: the spec's run, judged against its expectations. */
export function checkExpectations(spec: SimulationSpec, hooks: RunHooks = {}): CheckedRun {
  return runExpectations(planExpectations(spec), hooks);
}

function judged(
  e: Expectation,
  index: number,
  runs: number[],
  how: { seeds: number[]; confidence: number; durationMs: number },
  scenario: ResolvedScenario,
  notes: ReturnType<typeof whyNotes>,
): ExpectationResult {
  const unit = UNIT_OF[e.kind];
  const judgement =
    runs.length === 1
      ? judgeOne(e, unit, runs[0]!, how.seeds[0]!)
      : judgeMany(e, unit, runs, how.confidence, how.durationMs);
  const passed = judgement.verdict === 'pass';
  return {
    index,
    description: describeExpectation(e),
    kind: e.kind,
    expected: describeBounds(e),
    verdict: judgement.verdict,
    passed,
    got: judgement.got,
    reason: judgement.reason,
    unit,
    value: judgement.value,
    ...(judgement.interval !== undefined ? { interval: judgement.interval } : {}),
    runs,
    ...scenario.origin.locate(['spec', 'expect', index]),
    why: passed ? [] : whyBehind(e, notes),
  };
}
