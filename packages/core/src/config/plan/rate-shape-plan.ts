import type { RateShapePlan } from '../../world/rate-shape.js';
import type { Bursts, Diurnal, Ramp } from '../resources/schema/scenario-traffic-shape.js';

/** The rate shape a traffic source or patch sets, in engine units; undefined when it sets none. */
export function planRateShape(t: {
  bursts?: Bursts | undefined;
  ramp?: Ramp | undefined;
  diurnal?: Diurnal | undefined;
}): RateShapePlan | undefined {
  if (t.bursts !== undefined) {
    const { every, length, rps } = t.bursts;
    return { kind: 'bursts', everyMs: every.ms, lengthMs: length.ms, rps };
  }
  if (t.ramp !== undefined) return { kind: 'ramp', to: t.ramp.to, overMs: t.ramp.over.ms };
  if (t.diurnal !== undefined) {
    const { period, amplitude, peak } = t.diurnal;
    return { kind: 'diurnal', periodMs: period.ms, amplitude, peakMs: peak.ms };
  }
  return undefined;
}
