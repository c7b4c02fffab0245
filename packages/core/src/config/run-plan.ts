import type { RequestHash } from '../upstream/lb/uint64.js';
import type { EndpointBehaviour } from '../world/endpoint-server.js';
import type { DnsRecordSet } from '../world/synthetic-dns.js';
import type { TrafficTarget } from '../world/traffic-source.js';
import type { EnvoyModel } from './envoy-model.js';

/** One traffic stream after validation: Poisson at `rps` towards the cluster its route selects. */
export interface TrafficPlan {
  target: TrafficTarget;
  rps: number;
  /** Index into `model.routes`. */
  route: number;
  /** The requests' consistent-hash value when their route's cluster hashes (RING_HASH/MAGLEV). */
  hash: RequestHash | null;
}

/** Everything a run needs, validated and defaulted: the effective Envoy model and the world. */
export interface RunPlan {
  scenario: string;
  seed: number;
  durationMs: number;
  /** How long after `durationMs` the run waits for requests still in flight. */
  drainMs: number;
  workers: number;
  timelineBucketMs: number;
  model: EnvoyModel;
  /** Behaviour of each upstream address; the Scenario's "*" entry answers for the rest. */
  endpointFor(address: string): EndpointBehaviour;
  traffic: TrafficPlan[];
  /** The synthetic DNS the DNS clusters resolve against. */
  dns: Record<string, DnsRecordSet>;
  /** Formatted warnings carried into the report. */
  warnings: string[];
  /** Hard cap on kernel events, against runaway runs. */
  maxEvents: number;
}
