import { argumentError, checkFunction, checkOptions, isPlainObject } from '../resources/argument-checks.js';
import type { RunPlan } from './run-plan.js';

const PLAN_EXPECTED = 'a RunPlan, as planSimulation(spec).plan returns it';

/** The fields runPlan reads, each with the kind it must be. */
const PLAN_FIELDS: Array<[keyof RunPlan, 'string' | 'number' | 'function' | 'object' | 'array']> = [
  ['scenario', 'string'],
  ['seed', 'number'],
  ['durationMs', 'number'],
  ['drainMs', 'number'],
  ['workers', 'number'],
  ['networkRttMs', 'number'],
  ['timelineBucketMs', 'number'],
  ['model', 'object'],
  ['endpointFor', 'function'],
  ['flapFor', 'function'],
  ['traffic', 'array'],
  ['timeline', 'array'],
  ['dns', 'object'],
  ['warnings', 'array'],
  ['maxEvents', 'number'],
  ['maxRequestsInFlight', 'number'],
  ['limitSources', 'object'],
];

const kindOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Refuses anything but a plan planSimulation made (or a copy of one): runPlan({}) says so, not a TypeError deep inside. */
export function checkRunPlan(where: string, plan: unknown): asserts plan is RunPlan {
  if (!isPlainObject(plan)) argumentError(where, PLAN_EXPECTED, plan);
  const wrong = PLAN_FIELDS.filter(([field, kind]) => kindOf(plan[field]) !== kind).map(([f]) => f);
  const model = plan.model as Record<string, unknown> | undefined;
  if (isPlainObject(model) && !(Array.isArray(model.clusters) && Array.isArray(model.routes)))
    wrong.push('model');
  // A few wrong fields are named (an edited plan); a plan with none right is simply not one.
  if (wrong.length > 0 && wrong.length <= 4)
    argumentError(where, `${PLAN_EXPECTED} (${wrong.join(', ')} missing or of the wrong kind)`, plan);
  if (wrong.length > 4) argumentError(where, PLAN_EXPECTED, plan);
}

/** The methods of a run's TraceSink (observe/trace.ts), one per event type. */
export const TRACE_SINK_METHODS = [
  'request',
  'response',
  'attempt',
  'ejection',
  'connectionOpened',
  'connectionClosed',
] as const;

/** A `trace` hook: absent, a function, or an object with every TraceSink method (the missing ones named). */
function checkTraceHook(where: string, trace: unknown): void {
  if (trace === undefined || typeof trace === 'function') return;
  const expected = `a function, or a TraceSink (an object with the methods ${TRACE_SINK_METHODS.join(', ')})`;
  if (typeof trace !== 'object' || trace === null) argumentError(where, expected, trace);
  const methods = trace as Record<string, unknown>;
  const missing = TRACE_SINK_METHODS.filter((method) => typeof methods[method] !== 'function');
  if (missing.length > 0)
    argumentError(
      where,
      `${expected}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a function`,
      trace,
    );
}

/** A run's hooks: absent, or an object whose `onProgress` is a function, `trace` a function or a TraceSink. */
export function checkRunHooks(where: string, hooks: unknown): void {
  checkOptions(where, hooks);
  if (hooks === undefined) return;
  const h = hooks as Record<string, unknown>;
  checkTraceHook(`${where}.trace`, h.trace);
  checkFunction(`${where}.onProgress`, h.onProgress);
}

/** `advance`'s limit: absent, or `{ untilMs?, events? }` with numbers (events a count ≥ 1). */
export function checkAdvanceLimit(where: string, limit: unknown): void {
  checkOptions(where, limit);
  if (limit === undefined) return;
  const { untilMs, events } = limit as Record<string, unknown>;
  if (untilMs !== undefined && (typeof untilMs !== 'number' || Number.isNaN(untilMs)))
    argumentError(`${where}.untilMs`, 'a simulated time in ms', untilMs);
  if (events !== undefined && !(typeof events === 'number' && events >= 1))
    argumentError(`${where}.events`, 'a number of events ≥ 1', events);
}
