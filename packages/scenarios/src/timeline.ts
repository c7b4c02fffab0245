import type {
  DnsEntryPatchInput,
  EndpointBehaviourInput,
  EndpointBehaviourPatchInput,
  TrafficPatchInput,
} from '@meshsim/core';
import { defined, withHiddenMethod } from './plain.js';

type When = { at: string; phase?: string };

/** A `timeline` entry exactly as the Scenario YAML writes it. */
export type TimelineEntryData =
  | (When & { endpoint: string; set: EndpointBehaviourPatchInput })
  | (When & { endpoint: string; becomes: EndpointBehaviourInput })
  | (When & { locality: string; set: EndpointBehaviourPatchInput })
  | (When & { locality: string; becomes: EndpointBehaviourInput })
  | (When & { dns: string; set: DnsEntryPatchInput })
  | (When & { traffic: number; set: TrafficPatchInput })
  | { at: string; phase: string };

/** An entry, plus `labelled` (not enumerable, like `Endpoint.with`). */
export type TimelineEntry = TimelineEntryData & {
  /** The same change, labelled as the start of `phase` in the report. */
  labelled(phase: string): TimelineEntry;
};

function entry(data: TimelineEntryData): TimelineEntry {
  return withHiddenMethod(data, 'labelled', (phase: string) => {
    const { at, ...change } = data as Record<string, unknown> & { at: string };
    delete change.phase;
    return entry({ at, phase, ...change } as TimelineEntryData);
  });
}

/** What an endpoint, or every endpoint of a locality, changes into. */
export interface EndpointChange {
  /** Only these fields change; the others keep their values: `{ at, …, set }`. */
  set(patch: EndpointBehaviourPatchInput): TimelineEntry;
  /** The whole behaviour is replaced; what `behaviour` leaves out takes its default: `{ at, …, becomes }`. */
  becomes(behaviour: EndpointBehaviourInput): TimelineEntry;
  /** Connections are refused from now on: `set: { connect: refuse }`. */
  down(): TimelineEntry;
  /** Connections succeed again: `set: { connect: ok }`. */
  up(): TimelineEntry;
}

function endpointChange(at: string, target: { endpoint: string } | { locality: string }): EndpointChange {
  const set = (patch: EndpointBehaviourPatchInput) => entry({ at, ...target, set: defined({ ...patch }) });
  return {
    set,
    becomes: (behaviour) => entry({ at, ...target, becomes: defined({ ...behaviour }) }),
    down: () => set({ connect: 'refuse' }),
    up: () => set({ connect: 'ok' }),
  };
}

/** The changes one simulated time can carry; each method returns one `timeline` entry. */
export interface At {
  /** One upstream address (a key of `endpoints`, or any other). */
  endpoint(address: string): EndpointChange;
  /** Every endpoint whose locality is `region`, `region/zone` or `region/zone/subzone`, or inside it. */
  locality(locality: string): EndpointChange;
  /** What the synthetic resolver answers for `host`. */
  dns(host: string): {
    set(patch: DnsEntryPatchInput): TimelineEntry;
    /** `set: { answers }`. */
    answers(addresses: readonly string[]): TimelineEntry;
  };
  /** The traffic source at `index` of the Scenario's `traffic`. */
  traffic(index: number): {
    set(patch: TrafficPatchInput): TimelineEntry;
    /** `set: { rps }`. */
    rps(rps: number): TimelineEntry;
  };
  /** Marks the start of `phase` in the report, changing nothing: `{ at, phase }`. */
  phase(phase: string): TimelineEntry;
}

/**
 * Timeline entries at simulated time `time` (a duration such as `2m`):
 * `at('2m').endpoint('10.1.1.10').becomes(endpoint.refusing())`, `at('5m').locality('us-east-1').down()`,
 * `at('7m').traffic(0).rps(400).labelled('peak')`.
 */
export function at(time: string): At {
  return {
    endpoint: (endpoint) => endpointChange(time, { endpoint }),
    locality: (locality) => endpointChange(time, { locality }),
    dns: (dns) => {
      const set = (patch: DnsEntryPatchInput) => entry({ at: time, dns, set: defined({ ...patch }) });
      return { set, answers: (addresses) => set({ answers: [...addresses] }) };
    },
    traffic: (traffic) => {
      const set = (patch: TrafficPatchInput) => entry({ at: time, traffic, set: defined({ ...patch }) });
      return { set, rps: (rps) => set({ rps }) };
    },
    phase: (phase) => entry({ at: time, phase }),
  };
}
