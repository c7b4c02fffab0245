import { stringify } from 'yaml';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import { formatDurationMs } from '../config/resources/durations.js';
import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { HTTPMatchRequest, HTTPRoute } from '../config/resources/schema/http-route.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { flagsText } from '../envoy/response-flags.js';
import type { RouteModel } from '../envoy/route.js';
import { type ResourceRef, refOf } from './cluster.js';
import { explainMirrors } from './mirrors.js';
import { explainRetry, type RetryExplanation } from './retry-policy.js';
import { byDefault, type Explained, setAt } from './values.js';

export interface FaultExplanation {
  delayPct: Explained<number>;
  delayMs: Explained<number>;
  abortPct: Explained<number>;
  abortStatus: Explained<number>;
}

/** One route of a virtual host, as `istioctl proxy-config route -o json` would show it, every value explained. */
export interface RouteExplanation {
  name: string;
  /** null for Istio's default route and the final no-match answer. */
  virtualService: ResourceRef | null;
  /** The match blocks as written (YAML flow style, OR-ed), or the catch-all. */
  match: Explained<string>;
  destinations: Array<{ cluster: string; weight: Explained<number> }>;
  /** A route answered by the sidecar itself: directResponse, redirect, unknown cluster (503 NC), no match (404 NR). */
  localReply: { status: number; flags: string } | null;
  /** null for a local reply. 0 = none. */
  timeoutMs: Explained<number> | null;
  retry: RetryExplanation | null;
  fault: FaultExplanation | null;
  /** request_mirror_policies: shadows to each cluster, at a share of requests; absent when none. */
  mirrors?: Array<{ cluster: string; percent: Explained<number> }>;
  notes: string[];
  notModelled: Diagnostic[];
}

/** Where a route comes from: its VirtualService and index, or nothing for Istio's default route. */
export interface RouteSource {
  vs: Located<VirtualService>;
  index: number;
  /** Per match block, whether this sidecar gets it (its port, its workload); all when absent. */
  applies?: readonly boolean[];
}

/** Match blocks in YAML flow style, as written. */
export function matchText(blocks: readonly HTTPMatchRequest[]): string {
  return blocks.map((b) => stringify(b, { collectionStyle: 'flow', lineWidth: 0 }).trim()).join(' OR ');
}

/** When the attempts the policy allows cannot all fit in the route timeout. */
function timeoutNote(model: RouteModel): string | null {
  const retry = model.retry;
  if (retry === null || model.timeoutMs <= 0 || retry.perTryTimeoutMs <= 0) return null;
  const attempts = retry.numRetries + 1;
  if (attempts * retry.perTryTimeoutMs <= model.timeoutMs) return null;
  const each = formatDurationMs(retry.perTryTimeoutMs);
  return `${attempts} attempts of up to ${each} need up to ${formatDurationMs(attempts * retry.perTryTimeoutMs)} plus back-off, more than the ${formatDurationMs(model.timeoutMs)} route timeout: it can cut the last attempts short (504 UT)`;
}

function explainFault(model: RouteModel, r: HTTPRoute, doc: Located<VirtualService>, at: FieldPath) {
  const f = model.fault;
  if (f === null || r.fault === undefined) return null;
  const delay = r.fault.delay;
  const abort = r.fault.abort;
  const fp = [...at, 'fault'];
  return {
    delayPct:
      delay?.fixedDelay === undefined
        ? byDefault(0, 'Istio default', 'no fixedDelay')
        : delay.percentage !== undefined
          ? setAt(doc, [...fp, 'delay', 'percentage'], f.delayPct)
          : delay.percent !== undefined
            ? setAt(doc, [...fp, 'delay', 'percent'], f.delayPct, 'deprecated percent')
            : byDefault(0, 'Istio default', 'percentage unset: nothing is delayed'),
    delayMs:
      delay?.fixedDelay !== undefined
        ? setAt(doc, [...fp, 'delay', 'fixedDelay'], f.delayMs, 'once per request, outside the route timeout')
        : byDefault(0, 'Istio default'),
    abortPct:
      abort?.httpStatus === undefined
        ? byDefault(0, 'Istio default', 'no httpStatus abort')
        : abort.percentage !== undefined
          ? setAt(doc, [...fp, 'abort', 'percentage'], f.abortPct, 'never retried')
          : byDefault(0, 'Envoy default', 'percentage unset: nothing is aborted'),
    abortStatus:
      abort?.httpStatus !== undefined
        ? setAt(doc, [...fp, 'abort', 'httpStatus'], f.abortStatus)
        : byDefault(0, 'Istio default'),
  };
}

/**
 * Explains one route as translateHttpRoute or defaultRoute built it. `clusterName` maps the model's
 * cluster indexes to names; `hashed` says whether its destination balances by consistent hash.
 */
export function explainRoute(
  model: RouteModel,
  source: RouteSource | null,
  clusterName: (index: number) => string,
  istioVersion: string,
  hashed: boolean,
  notModelled: Diagnostic[],
): RouteExplanation {
  const vs = source?.vs ?? null;
  const r = source === null ? undefined : vs?.resource.spec.http?.[source.index];
  const at: FieldPath = source === null ? [] : ['spec', 'http', source.index];
  const local = model.destinations.length === 0;
  const mirrors = r === undefined || vs === null ? [] : explainMirrors(model, r, vs, at, clusterName);
  return {
    name: model.name,
    virtualService: vs === null ? null : refOf(vs),
    match: explainMatch(source, r, at),
    destinations: explainDestinations(model, r, vs, at, clusterName),
    localReply: local ? { status: model.localStatus, flags: flagsText(model.localFlags) } : null,
    timeoutMs: local
      ? null
      : r?.timeout !== undefined && vs !== null
        ? setAt(vs, [...at, 'timeout'], model.timeoutMs)
        : byDefault(0, 'Istio default', "Istio sets 0 (off); Envoy's own 15s does not apply"),
    retry: local ? null : explainRetry(model, r, vs, at, istioVersion, hashed),
    fault: local || r === undefined || vs === null ? null : explainFault(model, r, vs, at),
    ...(mirrors.length > 0 ? { mirrors } : {}),
    notes: routeNotes(model, source, r),
    notModelled,
  };
}

/** The match blocks this sidecar gets, as written; or the catch-all. */
function explainMatch(
  source: RouteSource | null,
  r: HTTPRoute | undefined,
  at: FieldPath,
): Explained<string> {
  const vs = source?.vs ?? null;
  const blocks = (r?.match ?? []).filter((_, j) => source?.applies?.[j] !== false);
  if (vs !== null && blocks.length > 0) return setAt(vs, [...at, 'match'], matchText(blocks));
  return vs !== null
    ? byDefault('/*', 'Istio default', 'no match: every request')
    : byDefault('/*', 'Istio default', "no VirtualService: Istio's default route");
}

function explainDestinations(
  model: RouteModel,
  r: HTTPRoute | undefined,
  vs: Located<VirtualService> | null,
  at: FieldPath,
  clusterName: (index: number) => string,
): RouteExplanation['destinations'] {
  const list = r?.route ?? [];
  return model.destinations.map((d, j) => {
    const written = list[j]?.weight;
    return {
      cluster: clusterName(d.cluster),
      weight:
        written !== undefined && vs !== null
          ? setAt(
              vs,
              [...at, 'route', j, 'weight'],
              d.weight,
              written === 0 && list.length === 1 ? '0 on a single destination = 100' : undefined,
            )
          : byDefault(d.weight, 'Istio default', list.length > 1 ? 'unset weight = 0' : undefined),
    };
  });
}

/** Match blocks left out of this sidecar's route, a destination with no cluster, attempts the timeout cuts short. */
function routeNotes(model: RouteModel, source: RouteSource | null, r: HTTPRoute | undefined): string[] {
  const notes: string[] = [];
  const left = (r?.match ?? []).flatMap((_, j) => (source?.applies?.[j] === false ? [`match[${j}]`] : []));
  if (left.length > 0) {
    notes.push(
      `${left.join(', ')} not in this sidecar's route: another port, or another caller (sourceLabels, sourceNamespace)`,
    );
  }
  const local = model.destinations.length === 0;
  if (local && model.localFlags !== 0 && r !== undefined) {
    const unknown = (r.route ?? []).map(
      (d) => `${d.destination.host}${d.destination.subset ? ` subset ${d.destination.subset}` : ''}`,
    );
    notes.push(`no cluster for ${unknown.join(', ') || 'an empty route list'}: 503 NC`);
  }
  const tooLong = local ? null : timeoutNote(model);
  if (tooLong !== null) notes.push(tooLong);
  return notes;
}

/** The answer for requests no route matches, shown after a virtual host's last route when that one matches selectively. */
export function noMatchRoute(): RouteExplanation {
  return {
    name: 'no route',
    virtualService: null,
    match: byDefault('anything else', 'Envoy default', 'no route matches'),
    destinations: [],
    localReply: { status: 404, flags: 'NR' },
    timeoutMs: null,
    retry: null,
    fault: null,
    notes: [],
    notModelled: [],
  };
}
