import type { RouteModel } from '../../envoy/route.js';
import type { FlapPlan } from '../../world/endpoint-patch.js';
import type { EndpointBehaviour } from '../../world/endpoint-server.js';
import type { RateShapePlan } from '../../world/rate-shape.js';
import type { DnsRecordSet } from '../../world/synthetic-dns.js';
import type { TrafficTarget } from '../../world/traffic-source.js';
import type { DumpCluster } from '../envoy-dump/dump-model.js';
import type { TranslatedCluster } from '../translate/translated-cluster.js';
import type { TimelineAction } from './timeline-plan.js';

/** A cluster of the run: translated from Istio resources, or read from an Envoy config as it is. */
export type PlannedCluster = TranslatedCluster | DumpCluster;

/** The clusters and routes the run's traffic reaches, in the order it first reaches them. */
export interface PlannedModel {
  clusters: PlannedCluster[];
  routes: RouteModel[];
}

/**
 * One traffic stream after validation: open-loop arrivals at `rps` (shaped by `shape`), or a closed
 * loop of `clients` that each send, wait for the answer, think for `thinkTimeMs`, and send again.
 */
export interface TrafficPlan {
  target: TrafficTarget;
  /** Open loop; 0 for a closed loop. */
  rps: number;
  /** How open-loop arrivals are spaced. */
  arrivals: 'poisson' | 'constant';
  /** Bursts, a ramp or a diurnal swing over `rps`, starting with the run; null: steady. */
  shape: RateShapePlan | null;
  /** Closed loop; 0 for an open loop. */
  clients: number;
  thinkTimeMs: number;
  /**
   * Whether the application reuses its connections between requests (HTTP keep-alive). It decides load
   * on a tcp-proxied port, where the sidecar picks a host per connection, not per request.
   */
  keepAlive: boolean;
  /** HTTP port: the application's lasting connections to the sidecar, each on one worker; 0 = none. */
  connections: number;
  /** The request shapes it sends, by weight, each with its route (index into `model.routes`). */
  mix: Array<{ route: number; path: string; headers: Readonly<Record<string, string>>; weight: number }>;
}

/** Everything a run needs, validated and defaulted: the effective Envoy model and the world. */
export interface RunPlan {
  scenario: string;
  seed: number;
  durationMs: number;
  /** How long after `durationMs` the run waits for requests still in flight. */
  drainMs: number;
  workers: number;
  /** network.rtt: the round trip of an endpoint that sets none. */
  networkRttMs: number;
  timelineBucketMs: number;
  model: PlannedModel;
  /** Behaviour of each upstream address; the Scenario's "*" entry answers for the rest. */
  endpointFor(address: string): EndpointBehaviour;
  /** The up/down cycle of a flapping address, or null. */
  flapFor(address: string): FlapPlan | null;
  traffic: TrafficPlan[];
  /** Changes to the world at given times (endpoints, DNS answers, traffic rates, phase labels). */
  timeline: TimelineAction[];
  /** The synthetic DNS the DNS clusters resolve against. */
  dns: Record<string, DnsRecordSet>;
  /** Formatted warnings carried into the report. */
  warnings: string[];
  /** Hard cap on kernel events, against runaway runs: past it the run stops, its report partial. */
  maxEvents: number;
  /** Past this many requests in flight the run stops, its report partial (spec.limits.maxRequestsInFlight). */
  maxRequestsInFlight: number;
  /** What a partial report names as the cause's source: what makes most events, where each limit is set. */
  limitSources: LimitSources;
}

/** Where a run's limits come from, for the message of a run that reaches one. */
export interface LimitSources {
  /** What makes most of the run's events, e.g. `about 1.8e+6 outlier detection sweeps (interval 1ms)`. */
  events: string;
  /** The field behind it, `file:line path`, when one is. */
  eventsField?: string;
  /** Whether the budget is the Scenario's spec.limits.maxEvents rather than meshsim's estimate. */
  budgetSet: boolean;
  /** The field that sets maxRequestsInFlight. */
  inFlightField: string;
}
