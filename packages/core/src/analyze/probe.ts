import type { RunPlan } from '../config/plan/run-plan.js';
import { formatDiagnostic } from '../config/resources/diagnostics.js';
import type { EndpointBehaviourInput } from '../config/resources/schema/scenario-endpoint.js';
import type { Report } from '../observe/report.js';
import type { TraceEvent } from '../observe/trace.js';
import {
  planSimulation,
  type ScenarioSpecInput,
  type SimulationSpec,
  type TrafficSourceInput,
} from '../simulate.js';
import { runPlan } from '../simulation/run.js';
import type { AnalyzeTarget } from './targets.js';

/** Every probe plays the same seed: the same config, the same findings, byte for byte. */
export const PROBE_SEED = 1;
/** A healthy endpoint of a probe: 40 ms median, 200 ms p99 (lognormal). */
export const HEALTHY: EndpointBehaviourInput = { latency: { median: '40ms', p99: '200ms' } };
/** Its mean: median × e^(σ²/2), σ = ln(p99 / median) / z(0.99). */
export const HEALTHY_MEAN_MS = 40 * Math.exp((Math.log(200 / 40) / 2.326_347_874) ** 2 / 2);
/** An endpoint that accepts the connection and never answers within any probe. */
export const HANGING: EndpointBehaviourInput = { latency: { constant: '10m' } };

/** A failing endpoint as the port lets Envoy see it: 503 to every request, or (tcp-proxied) refused connects. */
export function failing(target: AnalyzeTarget): EndpointBehaviourInput {
  return target.model.tcpProxy === null
    ? { ...HEALTHY, errors: [{ status: 503, rate: 1 }] }
    : { ...HEALTHY, connect: 'refuse' };
}

/** What a probe changes in the world; the rest is healthy endpoints and 50 requests a second. */
export interface ProbeSetup {
  name: string;
  duration: string;
  endpoints?: Record<string, EndpointBehaviourInput>;
  traffic?: Partial<TrafficSourceInput>;
  timeline?: ScenarioSpecInput['timeline'];
  dns?: ScenarioSpecInput['dns'];
  /** The caller's locality (`region/zone`). */
  locality?: string;
  /** Keep the run's event trace. */
  trace?: boolean;
}

export interface ProbeRun {
  report: Report;
  plan: RunPlan;
  /** The event trace, when asked for. */
  events: TraceEvent[];
}

/** A probe that could not be planned: a meshsim limit or bug, shown to the user rather than hidden. */
export class ProbeError extends Error {}

/** The Scenario of a probe, every field given so no Scenario of the analyzed files leaks into it. */
export function probeSpec(target: AnalyzeTarget, setup: ProbeSetup): SimulationSpec {
  const traffic: TrafficSourceInput = {
    host: target.host,
    port: target.port.number,
    path: target.path,
    // Open loop at 50 a second, a connection per request, unless the probe brings closed-loop clients.
    ...(setup.traffic?.clients === undefined ? { rps: 50, keepAlive: false } : {}),
    ...setup.traffic,
  };
  return {
    config: target.sources,
    name: `probe: ${setup.name}`,
    specOrigin: `meshsim analyze probe (${setup.name})`,
    seed: PROBE_SEED,
    duration: setup.duration,
    proxy: {
      namespace: target.caller.namespace,
      istioVersion: target.caller.istioVersion,
      ...(setup.locality !== undefined ? { locality: setup.locality } : {}),
    },
    network: { rtt: '1ms' },
    dns: { ...target.dns, ...setup.dns },
    endpoints: { '*': HEALTHY, ...setup.endpoints },
    traffic: [traffic],
    timeline: setup.timeline ?? [],
    report: { timelineBucket: '1s' },
    expect: [],
    replications: 1,
  };
}

/** Plans and runs one probe. */
export function runProbe(target: AnalyzeTarget, setup: ProbeSetup): ProbeRun {
  const { plan, diagnostics } = planSimulation(probeSpec(target, setup));
  if (plan === null) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new ProbeError(
      `probe "${setup.name}" for ${target.model.name} could not run: ${errors.join('; ')}`,
    );
  }
  const events: TraceEvent[] = [];
  const report = runPlan(plan, setup.trace === true ? { trace: (e) => events.push(e) } : {});
  return { report, plan, events };
}

/** `50 requests a second for 5s, a connection per request, seed 1` and the endpoints, for a finding. */
export function playedText(setup: ProbeSetup, endpoints: string): string {
  const t = setup.traffic ?? {};
  const load =
    t.clients !== undefined
      ? `${t.clients} keep-alive clients`
      : `${+(t.rps ?? 50).toFixed(1)} requests a second (Poisson)`;
  const connections = t.keepAlive === true || t.clients !== undefined ? '' : ', a connection per request';
  return `${endpoints}; ${load}${connections} for ${setup.duration}, seed ${PROBE_SEED}`;
}
