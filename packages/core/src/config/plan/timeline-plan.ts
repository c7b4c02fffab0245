import { isIP } from 'node:net';
import type { ClusterModel } from '../../envoy/cluster.js';
import type { Distribution } from '../../kernel/distributions.js';
import type { EndpointPatch, FlapPlan } from '../../world/endpoint-patch.js';
import type { ConnectOutcome } from '../../world/endpoint-server.js';
import type { OpenLoopChange } from '../../world/traffic-source.js';
import type { FieldPath } from '../resources/positions.js';
import type { ScenarioSpec, TrafficPatch } from '../resources/schema/scenario.js';
import type {
  EndpointBehaviourPatch,
  EndpointBehaviour as EndpointSpec,
  Flap,
  Latency,
} from '../resources/schema/scenario-endpoint.js';
import { errorRatesOf } from './endpoint-errors.js';
import { tokenBucketOf } from './rate-limit.js';
import { planRateShape } from './rate-shape-plan.js';

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
  | ({ kind: 'traffic'; index: number } & OpenLoopChange & ClosedLoopChange)
  | { kind: 'phase' }
);

/**
 * A closed loop's change: `clients` from then on (new ones send at once; a client over the count retires
 * when its think time ends, so a request in flight is never cut), and the think time from its next pause.
 */
export interface ClosedLoopChange {
  clients?: number;
  thinkTimeMs?: number;
}

/** Traffic fields a timeline patch can change (the load and how arrivals are spread), not the requests. */
const OPEN_LOOP_FIELDS = ['rps', 'arrivals', 'bursts', 'ramp', 'diurnal'] as const;
const CLOSED_LOOP_FIELDS = ['clients', 'thinkTime'] as const;
const CHANGEABLE_TRAFFIC_FIELDS = new Set<string>([...OPEN_LOOP_FIELDS, ...CLOSED_LOOP_FIELDS]);

/** Addresses whose locality is `locality` or inside it (`region`, `region/zone`, `region/zone/subzone`). */
export function addressesIn(
  locality: string,
  clusters: readonly ClusterModel[],
  spec: ScenarioSpec,
): string[] {
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
  const patch: EndpointPatch = {};
  if (p.latency !== undefined || whole) patch.latency = latencyOf(p.latency);
  if (p.errors !== undefined || whole) patch.errors = errorRatesOf(p.errors);
  if (p.rtt !== undefined) patch.rttMs = p.rtt.ms;
  if (p.connect !== undefined || whole) patch.connect = p.connect ?? 'ok';
  if (p.reset !== undefined || whole) patch.resetRate = p.reset?.rate ?? 0;
  if (p.tlsMaxProtocolVersion !== undefined || whole)
    patch.tlsMaxVersion = p.tlsMaxProtocolVersion === 'TLSV1_2' ? '1.2' : '1.3';
  // A new limiter starts with a full bucket; `becomes` without one drops the old.
  if (p.rateLimit !== undefined) patch.rateLimit = tokenBucketOf(p.rateLimit);
  if (p.concurrency !== undefined || whole) patch.concurrency = p.concurrency ?? null;
  if (p.queue !== undefined) patch.queue = { size: p.queue.size, status: p.queue.status };
  if (p.idleTimeout !== undefined || whole) patch.idleTimeoutMs = p.idleTimeout?.ms ?? 0;
  if (p.flap !== undefined || whole)
    patch.flap = p.flap === undefined ? null : planFlap(p.flap, [...path, 'flap'], latencyOf, error);
  return patch;
}

/** A `flap` as the engine cycles it; its `down` is a patch laid over the endpoint's own behaviour. */
export function planFlap(
  flap: Flap,
  path: FieldPath,
  latencyOf: (l: Latency | undefined) => Distribution,
  error: (path: FieldPath, message: string) => void,
): FlapPlan {
  const down = planEndpointPatch(flap.down, [...path, 'down'], false, latencyOf, error);
  const periodMs = flap.period.ms;
  return { periodMs, upMs: flap.duty * periodMs, offsetMs: flap.offset?.ms ?? 0, down };
}

/** What a patch's dependent fields need of the endpoint it lands on. */
interface EndpointState {
  connect: ConnectOutcome;
  concurrency: boolean;
}

/**
 * A patch's `queue` needs concurrency and its `tlsReason` needs connect: tlsError, in the patch or
 * already on the endpoint: reports the first missing one for `address` in `state`.
 */
export function checkPatchNeeds(
  p: EndpointBehaviourPatch,
  state: EndpointState,
  where: string,
  path: FieldPath,
  error: (path: FieldPath, message: string) => void,
): void {
  const connect = p.connect ?? state.connect;
  if (p.tlsReason !== undefined && connect !== 'tlsError')
    error(
      [...path, 'tlsReason'],
      `applies only with connect: tlsError, and ${where} has connect: ${connect}`,
    );
  if (p.queue !== undefined && p.concurrency === undefined && !state.concurrency)
    error([...path, 'queue'], `applies only with concurrency, and ${where} has none`);
}

/** The fields a patch's `queue` and `tlsReason` depend on, from an endpoint's own entry. */
export const stateOf = (e: EndpointSpec | undefined): EndpointState => ({
  connect: e?.connect ?? 'ok',
  concurrency: e?.concurrency !== undefined,
});

/**
 * Walks the endpoint changes in the order they apply (time, then position) so each `set` is checked
 * against the behaviour it lands on; flap `down` patches are checked against the endpoint they flap.
 */
function checkEndpointChanges(
  spec: ScenarioSpec,
  addressesOf: (i: number) => readonly string[],
  error: (path: FieldPath, message: string) => void,
): void {
  const states = new Map<string, EndpointState>();
  const stateAt = (address: string) =>
    states.get(address) ?? stateOf(spec.endpoints[address] ?? spec.endpoints['*']);
  const order = spec.timeline
    .map((_, i) => i)
    .sort((a, b) => spec.timeline[a]!.at.ms - spec.timeline[b]!.at.ms || a - b);
  for (const i of order) {
    const e = spec.timeline[i]!;
    if (!('endpoint' in e || 'locality' in e)) continue;
    for (const address of addressesOf(i)) {
      const path: FieldPath = ['timeline', i];
      const before = stateAt(address);
      const behaviour = 'becomes' in e ? e.becomes : e.set;
      if ('set' in e) checkPatchNeeds(e.set, before, `${address} at ${e.at.text}`, [...path, 'set'], error);
      const after =
        'becomes' in e
          ? stateOf(e.becomes)
          : {
              connect: e.set.connect ?? before.connect,
              concurrency: before.concurrency || e.set.concurrency !== undefined,
            };
      states.set(address, after);
      const field = 'becomes' in e ? 'becomes' : 'set';
      if (behaviour.flap !== undefined)
        checkPatchNeeds(
          behaviour.flap.down,
          after,
          `${address} at ${e.at.text}`,
          [...path, field, 'flap', 'down'],
          error,
        );
    }
  }
}

/**
 * Compiles the Scenario's timeline into actions, reporting what it cannot apply: an endpoint field the
 * engine does not model, a traffic change to the requests themselves, a locality with no endpoint.
 */
export function planTimeline(
  spec: ScenarioSpec,
  clusters: readonly ClusterModel[],
  latencyOf: (l: Latency | undefined) => Distribution,
  error: (path: FieldPath, message: string) => void,
): TimelineAction[] {
  const toPatch = (p: EndpointBehaviourPatch | EndpointSpec, path: FieldPath, whole: boolean) =>
    planEndpointPatch(p, path, whole, latencyOf, error);
  const addresses = spec.timeline.map((e) =>
    'endpoint' in e ? [e.endpoint] : 'locality' in e ? addressesIn(e.locality, clusters, spec) : [],
  );
  checkEndpointChanges(spec, (i) => addresses[i]!, error);
  return spec.timeline.map((e, i): TimelineAction => {
    const atMs = e.at.ms;
    const phase = e.phase ?? null;
    const path: FieldPath = ['timeline', i];
    if ('endpoint' in e || 'locality' in e) {
      if (addresses[i]!.length === 0)
        error([...path, 'locality'], 'no simulated endpoint is in this locality');
      const replace = 'becomes' in e;
      const patch =
        'becomes' in e
          ? toPatch(e.becomes, [...path, 'becomes'], true)
          : toPatch(e.set, [...path, 'set'], false);
      return { atMs, phase, kind: 'endpoints', addresses: addresses[i]!, patch, replace };
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
    if ('traffic' in e) return { atMs, phase, ...planTrafficChange(spec, e, path, error) };
    return { atMs, phase, kind: 'phase' };
  });
}

/** A traffic source's change, reporting a field a timeline cannot change or one of the other kind of loop. */
function planTrafficChange(
  spec: ScenarioSpec,
  e: { traffic: number; set: TrafficPatch },
  path: FieldPath,
  error: (path: FieldPath, message: string) => void,
): { kind: 'traffic'; index: number } & OpenLoopChange & ClosedLoopChange {
  const source = spec.traffic[e.traffic];
  const others = Object.keys(e.set).filter(
    (k) => !CHANGEABLE_TRAFFIC_FIELDS.has(k) && e.set[k as keyof typeof e.set] !== undefined,
  );
  for (const k of others)
    error(
      [...path, 'set', k],
      'not modelled yet: a timeline changes only rps, arrivals, bursts, ramp, diurnal, clients and thinkTime',
    );
  const openLoop = source !== undefined && 'rps' in source;
  const [wrong, kind] = openLoop ? [CLOSED_LOOP_FIELDS, 'a closed-loop'] : [OPEN_LOOP_FIELDS, 'an open-loop'];
  for (const k of wrong) {
    if (source !== undefined && e.set[k] !== undefined)
      error([...path, 'set', k], `applies only to ${kind} source; traffic[${e.traffic}] is not one`);
  }
  const shape = planRateShape(e.set);
  return {
    kind: 'traffic',
    index: e.traffic,
    ...(e.set.rps !== undefined ? { rps: e.set.rps } : {}),
    ...(e.set.arrivals !== undefined ? { arrivals: e.set.arrivals } : {}),
    ...(shape !== undefined ? { shape } : {}),
    ...(e.set.clients !== undefined ? { clients: e.set.clients } : {}),
    ...(e.set.thinkTime !== undefined ? { thinkTimeMs: e.set.thinkTime.ms } : {}),
  };
}
