import type { ConsistentHashKey } from '../../envoy/load-balancing.js';
import { Flag } from '../../envoy/response-flags.js';
import { parseRetryOn, type RetryPolicyModel } from '../../envoy/retry-policy.js';
import type { FaultModel, RouteModel } from '../../envoy/route.js';

import type { Located } from '../resources/load.js';
import type { HTTPMatchRequest, HTTPRetry, HTTPRoute, StringMatch } from '../resources/schema/http-route.js';
import type { VirtualService } from '../resources/schema/virtual-service.js';
import { type DelegationNote, mergeDelegates } from './delegate-virtual-services.js';
import { defaultRetryPolicyFor } from './istio-defaults.js';
import { mirrorPoliciesOf } from './mirror-policies.js';
import type { TranslatedCluster } from './translated-cluster.js';
import { cached, type HostIndex, hostMatches, indexByHost, isExportedTo } from './visibility.js';

/** One application request shape, as the Scenario's traffic writes it. */
export interface RequestShape {
  /** The calling workload: its namespace and pod labels (sourceNamespace, sourceLabels). */
  source?: { namespace: string; labels: Readonly<Record<string, string>> };
  host: string;
  port: number;
  path: string;
  method: string;
  headers: Readonly<Record<string, string>>;
}

/**
 * The service port a route destination means: its own `port`, else the port the request came in on when
 * the destination service has it, else the service's first port.
 */
export function destinationPort(
  servicePorts: ReadonlyArray<{ number: number }>,
  destinationPort: number | undefined,
  listenerPort: number,
): number | undefined {
  if (destinationPort !== undefined) return destinationPort;
  return servicePorts.some((p) => p.number === listenerPort) ? listenerPort : servicePorts[0]?.number;
}

/** Finds (or builds) the cluster for a route destination; null when the destination is unknown. */
export type ClusterResolver = (host: string, port: number | undefined, subset: string) => number | null;

/** Reports a field of the matched route that the simulation does not model. */
export type RouteNote = (
  vs: Located<VirtualService>,
  path: ReadonlyArray<string | number>,
  message: string,
) => void;

/** RE2 full-match semantics: Istio's regex must match the whole value. */
function stringMatches(m: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (m.exact !== undefined) return v === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return v.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  return true;
}

function queryParams(path: string): Record<string, string> {
  const q = path.indexOf('?');
  if (q < 0) return {};
  return Object.fromEntries(new URLSearchParams(path.slice(q + 1)));
}

/**
 * A match block's sourceNamespace and sourceLabels against the calling workload. istiod evaluates them
 * when it builds the caller's routes, so a block naming another workload never reaches its sidecar.
 */
export function matchesSource(
  m: Pick<HTTPMatchRequest, 'sourceNamespace' | 'sourceLabels'>,
  source: RequestShape['source'],
): boolean {
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== source?.namespace) return false;
  for (const [k, v] of Object.entries(m.sourceLabels ?? {})) if (source?.labels[k] !== v) return false;
  return true;
}

/** HTTPMatchRequest: every condition of one block must hold (the blocks of a route are OR-ed). */
function matchesBlock(m: HTTPMatchRequest, req: RequestShape): boolean {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const uri = req.path.split('?')[0]!;
  if (m.uri !== undefined && !stringMatches(m.uri, uri, m.ignoreUriCase === true)) return false;
  if (m.method !== undefined && !stringMatches(m.method, req.method)) return false;
  if (m.port !== undefined && m.port !== req.port) return false;
  if (m.authority !== undefined && !stringMatches(m.authority, req.host)) return false;
  if (!matchesSource(m, req.source)) return false;
  for (const [name, hm] of Object.entries(m.headers ?? {})) {
    if (!stringMatches(hm, headers[name.toLowerCase()])) return false;
  }
  for (const [name, hm] of Object.entries(m.withoutHeaders ?? {})) {
    if (stringMatches(hm, headers[name.toLowerCase()])) return false;
  }
  const query = queryParams(req.path);
  for (const [name, qm] of Object.entries(m.queryParams ?? {}))
    if (!stringMatches(qm, query[name])) return false;
  return true;
}

/**
 * Istio's ConvertPolicy: no `retries` → the mesh default; attempts 0 → no policy; otherwise the
 * default with attempts, retryOn (numeric tokens become retriable status codes), perTryTimeout
 * (ignored when ≥ the route timeout), backoff as the base interval (max 10×) and previous_hosts unless
 * retryIgnorePreviousHosts is false.
 */
export function retryPolicyOf(
  route: Pick<HTTPRoute, 'retries'>,
  defaults: RetryPolicyModel | RetryDefaults,
  routeTimeoutMs: number,
): RetryPolicyModel | null {
  const d = retryDefaults(defaults);
  const r = route.retries;
  if (r === undefined) return d.unset;
  if ((r.attempts ?? 0) <= 0) return null;
  // Retries written on the route build on Istio's own policy, not on the mesh's default.
  const policy: RetryPolicyModel = { ...d.istio, numRetries: r.attempts ?? 0 };
  if (r.retryOn !== undefined && r.retryOn !== '') {
    const parsed = parseRetryOn(r.retryOn);
    policy.retryOn = parsed.bits;
    policy.retryOnText = r.retryOn;
    policy.retriableStatusCodes = parsed.codes;
  }
  if (r.perTryTimeout !== undefined) {
    policy.perTryTimeoutMs =
      routeTimeoutMs > 0 && r.perTryTimeout.ms >= routeTimeoutMs ? 0 : r.perTryTimeout.ms;
  }
  if (r.backoff !== undefined) {
    policy.backoffBaseMs = r.backoff.ms;
    policy.backoffMaxMs = 10 * r.backoff.ms;
  }
  if (r.retryIgnorePreviousHosts === false) policy.previousHosts = false;
  return policy;
}

/**
 * The retry policies routes are built with: Istio's own default for the release (what a route's `retries`
 * builds on) and what a route without `retries` gets, the mesh's defaultHttpRetryPolicy when it has one.
 */
export interface RetryDefaults {
  istio: RetryPolicyModel;
  unset: RetryPolicyModel | null;
  fromMesh: boolean;
}

/** A plain policy as the defaults of both kinds (the translation before the mesh config had a say). */
export const retryDefaults = (d: RetryPolicyModel | RetryDefaults): RetryDefaults =>
  'istio' in d ? d : { istio: d, unset: d, fromMesh: false };

/** The retry defaults of a caller of this Istio release under this mesh default policy. */
export function retryDefaultsFor(istioVersion: string, meshRetry: HTTPRetry | null): RetryDefaults {
  const istio = defaultRetryPolicyFor(istioVersion);
  if (meshRetry === null) return { istio, unset: istio, fromMesh: false };
  return { istio, unset: retryPolicyOf({ retries: meshRetry }, istio, 0), fromMesh: true };
}

/** Istio's fault translation: percentage (or the deprecated integer percent); unset means 0 %. */
function faultOf(route: HTTPRoute): FaultModel | null {
  const f = route.fault;
  if (f === undefined) return null;
  const delayPct = f.delay?.percentage?.value ?? f.delay?.percent ?? 0;
  const abortPct = f.abort?.percentage?.value ?? 0;
  return {
    delayPct: f.delay?.fixedDelay === undefined ? 0 : delayPct,
    delayMs: f.delay?.fixedDelay?.ms ?? 0,
    abortPct: f.abort?.httpStatus === undefined ? 0 : abortPct,
    abortStatus: f.abort?.httpStatus ?? 0,
  };
}

/** The VirtualServices for `host` visible from the caller, in input (creation) order. */
export function virtualServicesFor(
  all: ReadonlyArray<Located<VirtualService>>,
  host: string,
  callerNamespace: string,
): Array<Located<VirtualService>> {
  // The candidates naming the host exactly or by a wildcard, back in input order.
  const index = cached(virtualServiceIndexes, all, () =>
    indexByHost(all, (v) => v.resource.spec.hosts ?? []),
  );
  const exact = index.exact.get(host) ?? [];
  const candidates =
    index.wildcard.length === 0 ? exact : [...new Set([...exact, ...index.wildcard])].sort(byPosition(all));
  return candidates.filter((v) => {
    const r = v.resource;
    if ((r.spec.gateways ?? []).length > 0 && !(r.spec.gateways ?? []).includes('mesh')) return false;
    if (!isExportedTo(r.spec.exportTo, r.metadata.namespace, callerNamespace)) return false;
    return (r.spec.hosts ?? []).some((h) => hostMatches(h, host));
  });
}

const virtualServiceIndexes = new WeakMap<
  ReadonlyArray<Located<VirtualService>>,
  HostIndex<Located<VirtualService>>
>();
const positions = new WeakMap<ReadonlyArray<Located<VirtualService>>, Map<Located<VirtualService>, number>>();

/** Orders VirtualServices as `all` lists them. */
function byPosition(all: ReadonlyArray<Located<VirtualService>>) {
  const at = cached(positions, all, () => new Map(all.map((v, i) => [v, i])));
  return (a: Located<VirtualService>, b: Located<VirtualService>) => at.get(a)! - at.get(b)!;
}

/**
 * The VirtualService that routes `host` for the caller, and those ignored: sidecars do not merge several
 * VirtualServices for one host (istioctl analyze IST0109), so the oldest (here the first in the input)
 * defines the routes. Its delegate VirtualServices are merged in (`services` then holds its routes in
 * order, in the documents they were written in), with a note for each delegation that gave nothing.
 */
export function routingVirtualService(
  all: ReadonlyArray<Located<VirtualService>>,
  host: string,
  callerNamespace: string,
): {
  services: Array<Located<VirtualService>>;
  ignored: Array<{ vs: Located<VirtualService>; reason: string }>;
  delegation: DelegationNote[];
} {
  const visible = virtualServicesFor(all, host, callerNamespace);
  const first = visible[0]?.resource.metadata;
  const delegation: DelegationNote[] = [];
  return {
    services: visible.length === 0 ? [] : mergeDelegates(visible[0]!, all, delegation),
    delegation,
    ignored: visible.slice(1).map((vs) => ({
      vs,
      reason: `another VirtualService (${first?.namespace}/${first?.name}) already binds ${host} for the mesh; sidecars do not merge them, so this one is ignored (IST0109)`,
    })),
  };
}

const local = (name: string, status: number, flags: number): RouteModel => ({
  name,
  destinations: [],
  totalWeight: 0,
  localStatus: status,
  localFlags: flags,
  timeoutMs: 0,
  retry: null,
  fault: null,
});

/** Istio's route for a host no VirtualService names: everything to its cluster, no timeout, the default retries. */
export function defaultRoute(
  host: string,
  port: number,
  defaultRetry: RetryPolicyModel | RetryDefaults,
  resolve: ClusterResolver,
): RouteModel {
  const cluster = resolve(host, port, '');
  if (cluster === null) return local('default', 503, Flag.NC);
  return {
    name: 'default',
    destinations: [{ cluster, weight: 100 }],
    totalWeight: 100,
    localStatus: 0,
    localFlags: 0,
    timeoutMs: 0,
    retry: retryDefaults(defaultRetry).unset,
    fault: null,
  };
}

/**
 * The route a request of this shape takes: the first matching http route of the host's VirtualServices
 * (the caller passes the one that applies), or Istio's default route when none exists; no match → 404 NR.
 */
export function routeFor(
  req: RequestShape,
  services: ReadonlyArray<Located<VirtualService>>,
  defaultRetry: RetryPolicyModel | RetryDefaults,
  resolve: ClusterResolver,
  note: RouteNote = () => {},
): RouteModel {
  const routes = services.flatMap((v) => (v.resource.spec.http ?? []).map((r, i) => ({ vs: v, r, i })));
  if (services.length === 0) return defaultRoute(req.host, req.port, defaultRetry, resolve);
  const hit = routes.find(
    ({ r }) => (r.match ?? []).length === 0 || (r.match ?? []).some((m) => matchesBlock(m, req)),
  );
  if (hit === undefined) return local('no route', 404, Flag.NR);
  return translateHttpRoute(hit.vs, hit.i, defaultRetry, resolve, note);
}

/** Route fields whose effect on traffic the simulation leaves out: reported, never silently dropped. */
const UNMODELLED_ROUTE_FIELDS = ['rewrite', 'headers', 'corsPolicy'] as const;

function noteUnmodelled(
  vs: Located<VirtualService>,
  r: HTTPRoute,
  at: ReadonlyArray<string | number>,
  note: RouteNote,
): void {
  const ignored = 'not modelled yet: the simulation ignores it';
  for (const field of UNMODELLED_ROUTE_FIELDS) {
    if (r[field] !== undefined) note(vs, [...at, field], ignored);
  }
  r.route?.forEach((d, j) => {
    if (d.headers !== undefined) note(vs, [...at, 'route', j, 'headers'], ignored);
  });
  r.match?.forEach((m, j) => {
    if (m.scheme !== undefined) {
      note(vs, [...at, 'match', j, 'scheme'], 'not modelled yet: the block is compared without it');
    }
  });
  if (r.retries?.retryRemoteLocalities !== undefined) {
    note(vs, [...at, 'retries', 'retryRemoteLocalities'], ignored);
  }
  if (r.fault?.delay?.exponentialDelay !== undefined) {
    note(vs, [...at, 'fault', 'delay', 'exponentialDelay'], 'not supported by Istio: no delay is injected');
  }
  for (const field of ['grpcStatus', 'http2Error'] as const) {
    if (r.fault?.abort?.[field] !== undefined) note(vs, [...at, 'fault', 'abort', field], ignored);
  }
}

/**
 * One http route of a VirtualService as the router runs it: its destinations (resolved to clusters),
 * timeout, retry policy and fault, or the local answer (directResponse, redirect, 503 NC).
 */
export function translateHttpRoute(
  vs: Located<VirtualService>,
  i: number,
  defaultRetry: RetryPolicyModel | RetryDefaults,
  resolve: ClusterResolver,
  note: RouteNote = () => {},
): RouteModel {
  const r = vs.resource.spec.http?.[i];
  if (r === undefined) throw new RangeError(`VirtualService has no http[${i}]`);
  noteUnmodelled(vs, r, ['spec', 'http', i], note);
  const name = r.name ?? `${vs.resource.metadata.namespace}/${vs.resource.metadata.name}.http[${i}]`;
  if (r.directResponse !== undefined) return local(name, r.directResponse.status, 0);
  // Istio: an unset or 0 redirectCode is 301 Moved Permanently.
  if (r.redirect !== undefined) return local(name, r.redirect.redirectCode || 301, 0);
  const timeoutMs = r.timeout?.ms ?? 0;
  const destinations: RouteModel['destinations'] = [];
  const list = r.route ?? [];
  for (const d of list) {
    const cluster = resolve(d.destination.host, d.destination.port?.number, d.destination.subset ?? '');
    if (cluster === null) return local(name, 503, Flag.NC);
    destinations.push({ cluster, weight: list.length === 1 ? (d.weight ?? 100) || 100 : (d.weight ?? 0) });
  }
  if (destinations.length === 0) return local(name, 503, Flag.NC);
  const model: RouteModel = {
    name,
    destinations,
    totalWeight: destinations.reduce((s, d) => s + d.weight, 0),
    localStatus: 0,
    localFlags: 0,
    timeoutMs,
    retry: retryPolicyOf(r, defaultRetry, timeoutMs),
    fault: faultOf(r),
  };
  const mirrors = mirrorPoliciesOf(vs, r, ['spec', 'http', i], resolve, note);
  if (mirrors.length > 0) model.mirrors = mirrors;
  return model;
}

/** The consistent-hash key of the route's (first) destination cluster, or null when it does not hash. */
export function routeHashKey(
  model: RouteModel,
  clusters: readonly TranslatedCluster[],
): ConsistentHashKey | null {
  const first = model.destinations[0];
  return first === undefined ? null : (clusters[first.cluster]?.hashKey ?? null);
}

/**
 * The route's hash_policy: the destination's consistentHash, except that a tcp_proxy hashes only on the
 * source IP (maybeSetHashPolicy). Istio drops the previous_hosts retry predicate when the destination
 * hashes, so retries stay on the hashed host.
 */
export function applyHashPolicy(model: RouteModel, clusters: readonly TranslatedCluster[]): void {
  const key = routeHashKey(model, clusters);
  model.hashPolicy = model.tcp === true && key?.useSourceIp !== true ? null : key;
  if (key !== null && model.retry !== null) model.retry = { ...model.retry, previousHosts: false };
}
