import { parseSweep, resolveTarget, type SweepAxis, type SweepTarget } from '../compare/sweep.js';
import { ISTIO_KINDS } from '../config/resources/kinds.js';
import type { SimulationSpec } from '../simulate.js';
import { TuneSpecError } from './objectives.js';

/** One field a tune varies, in the resource it was found in, with the values it may take. */
export interface TuneAxis {
  /** Dotted path inside the resource, from its top (`spec.trafficPolicy.…`). */
  field: string;
  target: SweepTarget;
  values: unknown[];
  /** The field's last segment, or more when two axes share it: what tables and charts call the axis. */
  name: string;
  /** `DestinationRule production/flaky-api spec.trafficPolicy.outlierDetection.consecutive5xxErrors` */
  label: string;
}

const targetName = (t: SweepTarget): string =>
  [t.kind, [t.namespace, t.name].filter(Boolean).join('/')].filter(Boolean).join(' ');

/** Short names: the last segment of each field, with as many segments before it as needed to tell them apart. */
function shortNames(fields: readonly string[]): string[] {
  const parts = fields.map((f) => f.split('.'));
  return parts.map((p, i) => {
    for (let k = 1; k <= p.length; k++) {
      const name = p.slice(-k).join('.');
      if (parts.every((q, j) => j === i || q.slice(-k).join('.') !== name)) return name;
    }
    return fields[i]!;
  });
}

function checkAxis(axis: SweepAxis, target: SweepTarget): void {
  if (!(ISTIO_KINDS as readonly string[]).includes(target.kind)) {
    throw new TuneSpecError(
      `--vary ${axis.field}: tune varies Istio resources (the winner is written as one to apply), not a ${target.kind}`,
    );
  }
  const seen = new Set<string>();
  for (const v of axis.values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new TuneSpecError(`--vary ${axis.field}: the value ${key} is listed twice`);
    seen.add(key);
  }
}

/**
 * The axes of a tune, each in its resource: `FIELD=VALUES` as for `compare --sweep` (`a..b`,
 * `a..b..step`, a list), the resource found by the field or named as `Kind/name:FIELD`. Two axes may
 * not change the same field, nor one a field inside the other's.
 */
export function resolveAxes(spec: SimulationSpec, vary: ReadonlyArray<string | SweepAxis>): TuneAxis[] {
  if (vary.length === 0) throw new TuneSpecError('tune needs at least one --vary FIELD=VALUES');
  const axes = vary.map((v) => {
    let axis: SweepAxis;
    try {
      axis = typeof v === 'string' ? parseSweep(v, '--vary') : v;
    } catch (e) {
      throw new TuneSpecError((e as Error).message);
    }
    const target = resolveTarget(spec, axis, axis.field.split('.'));
    checkAxis(axis, target);
    return { field: axis.field, target, values: [...axis.values] };
  });
  const whole = axes.map((a) => `${targetName(a.target)} ${a.field}`);
  whole.forEach((w, i) => {
    const clash = whole.findIndex((o, j) => j !== i && (o === w || o.startsWith(`${w}.`)));
    if (clash >= 0)
      throw new TuneSpecError(`--vary ${axes[i]!.field} and ${axes[clash]!.field} change the same field`);
  });
  const names = shortNames(axes.map((a) => a.field));
  return axes.map((a, i) => ({ ...a, name: names[i]!, label: whole[i]! }));
}

/** `consecutive5xxErrors=1, interval=10s`: a config as people read it. */
export function configLabel(axes: readonly TuneAxis[], candidate: readonly number[]): string {
  return axes.map((a, i) => `${a.name}=${String(a.values[candidate[i]!])}`).join(', ');
}
