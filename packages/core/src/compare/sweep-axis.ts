import { argumentError } from '../config/resources/argument-checks.js';

/** The resource a sweep changes: by kind and name, or found by the field (see `resourcesWithField`). */
export interface SweepTarget {
  kind: string;
  name?: string;
  namespace?: string;
}

/** A grid over one field: `spec.trafficPolicy.outlierDetection.consecutive5xxErrors` = 1, 2, … 10. */
export interface SweepAxis {
  /** Dotted path inside the resource, from its top (`spec.…`). */
  field: string;
  values: readonly unknown[];
  /** Which resource; absent: the one resource whose document has the field's first two segments. */
  target?: SweepTarget;
}

/** `Kind/name:` (optionally `Kind/namespace/name:`) before the path names the resource. */
const TARGET_PREFIX = /^([A-Za-z]+)\/(?:([^/:=]+)\/)?([^/:=]+):/;

/** A value as written on the command line: numbers and booleans become themselves, the rest stays text. */
function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** The most values a sweep runs: a grid wider than this is more runs than a table can show. */
export const MAX_SWEEP_VALUES = 1000;

/**
 * Parses `[Kind/name:]path=VALUES` where VALUES is `a..b` (integers a to b), `a..b..step`, or a comma
 * list (`10s,30s,1m`).
 */
export function parseSweep(text: string, option = '--sweep'): SweepAxis {
  if (typeof text !== 'string')
    argumentError('parseSweep(text)', 'a string FIELD=VALUES such as spec.x=1..10', text);
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new RangeError(`${option} wants FIELD=VALUES (e.g. spec.x=1..10), got "${text}"`);
  let field = text.slice(0, eq);
  const valuesText = text.slice(eq + 1);
  let target: SweepTarget | undefined;
  const prefix = TARGET_PREFIX.exec(field);
  if (prefix !== null) {
    target = {
      kind: prefix[1]!,
      name: prefix[3]!,
      ...(prefix[2] !== undefined ? { namespace: prefix[2] } : {}),
    };
    field = field.slice(prefix[0].length);
  }
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?:\.\.(\d+(?:\.\d+)?))?$/.exec(valuesText);
  let values: unknown[];
  if (range !== null) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
    if (!(step > 0) || to < from) throw new RangeError(`${option} range ${valuesText} is empty`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_SWEEP_VALUES)
      throw new RangeError(`${option} range ${valuesText} has ${count} values; ${MAX_SWEEP_VALUES} at most`);
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else {
    values = valuesText.split(',').map((v) => scalar(v.trim()));
  }
  if (field === '' || values.length === 0)
    throw new RangeError(`${option} wants FIELD=VALUES, got "${text}"`);
  if (values.length > MAX_SWEEP_VALUES)
    throw new RangeError(`${option} has ${values.length} values; ${MAX_SWEEP_VALUES} at most`);
  return { field, values, ...(target !== undefined ? { target } : {}) };
}
