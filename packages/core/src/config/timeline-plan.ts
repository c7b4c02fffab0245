import { isIP } from 'node:net';
import type { Distribution } from '../kernel/distributions.js';
import type { ConnectOutcome } from '../upstream/connection-pool.js';
import type { EndpointBehaviour, ErrorRate } from '../world/endpoint-server.js';
import type { ClusterModel } from './envoy-model.js';
import type { FieldPath } from './positions.js';
import { tokenBucketOf } from './rate-limit.js';
import type { ScenarioSpec } from './schema/scenario.js';
import type {
  EndpointBehaviourPatch,
  EndpointBehaviour as EndpointSpec,
  Latency,
} from './schema/scenario-endpoint.js';

/** The fields of an endpoint's behaviour a timeline entry can change at run time. */
export interface EndpointPatch {
  latency?: Distribution;
  errors?: readonly ErrorRate[];
  rttMs?: number;
  connect?: ConnectOutcome;
  resetRate?: number;
  tlsMaxVersion?: EndpointBehaviour['tlsMaxVersion'];
  rateLimit?: EndpointBehaviour['rateLimit'];
}

/** One change to the world at `atMs`, as the engine applies it. */
export type TimelineAction = { atMs: number; phase: string | null } & (
  | { kind: 'endpoints'; addresses: string[]; patch: EndpointPatch; replace: boolean }
  | {
      kind: 'dns';
      name: string;
      answers?: readonly string[];
      ttlMs?: number | null;
      rotate?: boolean;
      failure?: 'none' | 'NXDOMAIN' | 'SERVFAIL' | 'timeout';
    }
  | { kind: 'traffic'; index: number; rps: number }
  | { kind: 'phase' }
);

/** Endpoint fields a timeline patch may not change yet (they are refused for the endpoints too). */
const UNMODELLED_PATCH_FIELDS = ['concurrency', 'queue', 'idleTimeout', 'flap', 'tlsReason'] as const;

/** Addresses whose locality is `locality` or inside it (`region`, `region/zone`, `region/zone/subzone`). */
function addressesIn(locality: string, clusters: readonly ClusterModel[], spec: ScenarioSpec): string[] {
  const inside = (l: string) => l === locality || l.startsWith(`${locality}/`);
  const out = new Set<string>();
  for (const c of clusters) {
    for (const e of c.endpoints) if (inside(e.locality)) out.add(e.address);
    for (const t of c.dnsTargets) {
      if (!inside(t.locality)) continue;
      if (isIP(t.hostname) !== 0) out.add(t.hostname);
      for (const a of spec.dns[t.hostname]?.answers ?? []) out.add(a);
    }
  }
  return [...out];
}

/** An endpoint patch as the engine applies it; `whole` (a `becomes`) resets what it leaves out. */
export function planEndpointPatch(
  p: EndpointBehaviourPatch | EndpointSpec,
  path: FieldPath,
  whole: boolean,
  latencyOf: (l: Latency | undefined) => Distribution,
  error: (path: FieldPath, message: string) => void,
): EndpointPatch {
  for (const field of UNMODELLED_PATCH_FIELDS) {
    if (p[field as keyof typeof p] !== undefined) error([...path, field], 'not modelled yet');
  }
  const patch: EndpointPatch = {};
  if (p.latency !== undefined || whole) patch.latency = latencyOf(p.latency);
  if (p.errors !== undefined || whole) patch.errors = p.errors ?? [];
  if (p.rtt !== undefined) patch.rttMs = p.rtt.ms;
  if (p.connect !== undefined || whole) patch.connect = p.connect ?? 'ok';
  if (p.reset !== undefined || whole) patch.resetRate = p.reset?.rate ?? 0;
  if (p.tlsMaxProtocolVersion !== undefined || whole)
    patch.tlsMaxVersion = p.tlsMaxProtocolVersion === 'TLSV1_2' ? '1.2' : '1.3';
  // A new limiter starts with a full bucket; `becomes` without one drops the old.
  if (p.rateLimit !== undefined) patch.rateLimit = tokenBucketOf(p.rateLimit);
  return patch;
}

/**
 * Compiles the Scenario's timeline into actions, reporting what it cannot apply: an endpoint field the
 * engine does not model, a traffic change other than rps, a locality with no endpoint.
 */
export function planTimeline(
  spec: ScenarioSpec,
  clusters: readonly ClusterModel[],
  latencyOf: (l: Latency | undefined) => Distribution,
  error: (path: FieldPath, message: string) => void,
): TimelineAction[] {
  const toPatch = (p: EndpointBehaviourPatch | EndpointSpec, path: FieldPath, whole: boolean) =>
    planEndpointPatch(p, path, whole, latencyOf, error);
  return spec.timeline.map((e, i): TimelineAction => {
    const atMs = e.at.ms;
    const phase = e.phase ?? null;
    const path: FieldPath = ['timeline', i];
    if ('endpoint' in e || 'locality' in e) {
      const addresses = 'endpoint' in e ? [e.endpoint] : addressesIn(e.locality, clusters, spec);
      if (addresses.length === 0) error([...path, 'locality'], 'no simulated endpoint is in this locality');
      const replace = 'becomes' in e;
      const patch =
        'becomes' in e
          ? toPatch(e.becomes, [...path, 'becomes'], true)
          : toPatch(e.set, [...path, 'set'], false);
      return { atMs, phase, kind: 'endpoints', addresses, patch, replace };
    }
    if ('dns' in e) {
      return {
        atMs,
        phase,
        kind: 'dns',
        name: e.dns,
        ...(e.set.answers !== undefined ? { answers: e.set.answers } : {}),
        ...(e.set.ttl !== undefined ? { ttlMs: e.set.ttl.ms } : {}),
        ...(e.set.rotate !== undefined ? { rotate: e.set.rotate } : {}),
        ...(e.set.failure !== undefined ? { failure: e.set.failure } : {}),
      };
    }
    if ('traffic' in e) {
      const source = spec.traffic[e.traffic];
      const others = Object.keys(e.set).filter(
        (k) => k !== 'rps' && e.set[k as keyof typeof e.set] !== undefined,
      );
      for (const k of others) error([...path, 'set', k], 'not modelled yet: a timeline changes only rps');
      if (source !== undefined && !('rps' in source))
        error([...path, 'traffic'], 'only open-loop (rps) traffic can change rate');
      return { atMs, phase, kind: 'traffic', index: e.traffic, rps: e.set.rps ?? 0 };
    }
    return { atMs, phase, kind: 'phase' };
  });
}
