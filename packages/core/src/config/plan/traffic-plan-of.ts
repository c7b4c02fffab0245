import type { ScenarioSpec } from '../resources/schema/scenario.js';
import { planRateShape } from './rate-shape-plan.js';
import type { TrafficPlan } from './run-plan.js';

type TrafficSource = ScenarioSpec['traffic'][number];

/** A source's traffic plan, its requests already routed. */
export function trafficPlanOf(t: TrafficSource, port: number, mix: TrafficPlan['mix']): TrafficPlan {
  return {
    target: { host: t.host, port, path: t.path, method: t.method },
    rps: 'rps' in t ? t.rps : 0,
    arrivals: t.arrivals ?? 'poisson',
    shape: planRateShape(t) ?? null,
    clients: 'clients' in t ? t.clients : 0,
    thinkTimeMs: 'clients' in t ? t.thinkTime.ms : 0,
    keepAlive: t.keepAlive,
    connections: t.connections ?? 0,
    mix,
  };
}
