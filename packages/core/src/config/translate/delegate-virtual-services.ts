import type { Located } from '../resources/load.js';
import type { FieldPath, Position } from '../resources/positions.js';
import type { HTTPMatchRequest, HTTPRoute, StringMatch } from '../resources/schema/http-route.js';
import type { VirtualService } from '../resources/schema/virtual-service.js';
import { isExportedTo } from './visibility.js';

/** Why a root route's delegation gave nothing, or a delegate route was dropped: said, never silent. */
export interface DelegationNote {
  vs: Located<VirtualService>;
  path: Array<string | number>;
  message: string;
}

const has = (s: string | undefined): boolean => s !== undefined && s !== '';

/** Istio's stringMatchConflict: whether the delegate's match can fall outside the root's. */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (root === undefined || leaf === undefined) return false;
  if (has(root.regex) && (has(leaf.regex) || has(leaf.prefix) || has(leaf.exact))) return true;
  if (has(leaf.regex) && (has(root.regex) || has(root.prefix) || has(root.exact))) return true;
  if (has(root.exact)) return has(leaf.prefix) || leaf.exact !== root.exact;
  if (has(root.prefix)) {
    if (has(leaf.prefix)) return !leaf.prefix!.startsWith(root.prefix!);
    if (has(leaf.exact)) return !leaf.exact!.startsWith(root.prefix!);
  }
  return true;
}

/** Istio's hasConflict: the delegate's block must be a subset of the root's. */
function hasConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const) {
    if (stringMatchConflict(root[f], leaf[f])) return true;
  }
  for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    for (const [k, v] of Object.entries(leaf[f] ?? {})) if (stringMatchConflict(root[f]?.[k], v)) return true;
  }
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if ((root.port ?? 0) > 0 && (leaf.port ?? 0) > 0 && root.port !== leaf.port) return true;
  if (has(root.sourceNamespace) && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  }
  const rg = root.gateways ?? [];
  const lg = leaf.gateways ?? [];
  if (rg.length > 0 && lg.length > 0 && (rg.length < lg.length || lg.some((g) => !rg.includes(g))))
    return true;
  return false;
}

const joined = (root: string | undefined, leaf: string | undefined): string | undefined =>
  !has(leaf) ? root : has(root) ? `${root}-${leaf}` : leaf;

/** Istio's mergeHTTPMatchRequest: the delegate's block, with the root's conditions where it has none. */
function mergeBlock(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const out: HTTPMatchRequest = { ...leaf };
  const name = joined(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const) {
    if (out[f] === undefined && root[f] !== undefined) out[f] = root[f];
  }
  for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    if (root[f] !== undefined || leaf[f] !== undefined) out[f] = { ...root[f], ...leaf[f] };
  }
  if (root.sourceLabels !== undefined || leaf.sourceLabels !== undefined) {
    out.sourceLabels = { ...root.sourceLabels, ...leaf.sourceLabels };
  }
  if ((out.port ?? 0) === 0 && root.port !== undefined) out.port = root.port;
  if (!has(out.sourceNamespace) && root.sourceNamespace !== undefined)
    out.sourceNamespace = root.sourceNamespace;
  if ((out.gateways ?? []).length === 0 && root.gateways !== undefined) out.gateways = root.gateways;
  if (!has(out.statPrefix) && root.statPrefix !== undefined) out.statPrefix = root.statPrefix;
  return out;
}

/** Istio's mergeHTTPMatchRequests: each delegate block joins every root block it does not conflict with. */
function mergeMatches(
  root: readonly HTTPMatchRequest[],
  leaf: readonly HTTPMatchRequest[],
): HTTPMatchRequest[] | null {
  if (root.length === 0) return [...leaf];
  if (leaf.length === 0) return [...root];
  const out: HTTPMatchRequest[] = [];
  for (const sub of leaf) {
    const fits = root.filter((r) => !hasConflict(r, sub));
    if (fits.length === 0) return null;
    for (const r of fits) out.push(mergeBlock(r, sub));
  }
  return out;
}

/** Fields a delegate route inherits from its root route when it leaves them unset (mergeHTTPRoute). */
const INHERITED = [
  'rewrite',
  'directResponse',
  'timeout',
  'retries',
  'fault',
  'mirror',
  'mirrorPercent',
  'mirrorPercentage',
  'corsPolicy',
  'mirrors',
  'headers',
] as const;

/** Istio's mergeHTTPRoute; null when the delegate's match conflicts with the root's. */
function mergeRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | null {
  const match = mergeMatches(root.match ?? [], leaf.match ?? []);
  if (match === null) return null;
  const out: HTTPRoute = { ...leaf };
  if (match.length > 0) out.match = match;
  const name = joined(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  const target = out as Record<string, unknown>;
  for (const f of INHERITED) if (out[f] === undefined && root[f] !== undefined) target[f] = root[f];
  return out;
}

/** The VirtualService `root` delegates route `i` to: by name and namespace (the root's by default), without hosts. */
function findDelegate(
  root: Located<VirtualService>,
  i: number,
  all: ReadonlyArray<Located<VirtualService>>,
): Located<VirtualService> | string {
  const ref = root.resource.spec.http![i]!.delegate!;
  const namespace = ref.namespace || root.resource.metadata.namespace;
  const found = all.find(
    (v) =>
      v.resource.metadata.name === ref.name &&
      v.resource.metadata.namespace === namespace &&
      (v.resource.spec.hosts ?? []).length === 0,
  );
  if (found === undefined)
    return `delegate virtual service ${namespace}/${ref.name} not found: the route is left out`;
  const rootNamespace = root.resource.metadata.namespace;
  if (!isExportedTo(found.resource.spec.exportTo, namespace, rootNamespace)) {
    return `delegate virtual service ${namespace}/${ref.name} is not exported to ${rootNamespace}: the route is left out`;
  }
  return found;
}

/**
 * `doc` with only the http routes `routes` holds (a sparse list keeps each route's own index). For a
 * delegate, a field its route leaves unset and takes from the root route (`rootIndex`) is placed at the
 * root's line when both are in one file.
 */
function withRoutes(
  doc: Located<VirtualService>,
  routes: HTTPRoute[],
  root?: { vs: Located<VirtualService>; index: number },
): Located<VirtualService> {
  const resource = { ...doc.resource, spec: { ...doc.resource.spec, http: routes } };
  const written = doc.resource.spec.http ?? [];
  const positionOf = (path: FieldPath): Position => {
    const [spec, http, j, field] = path;
    const own = typeof j === 'number' ? written[j] : undefined;
    const inherited =
      root !== undefined &&
      root.vs.file === doc.file &&
      spec === 'spec' &&
      http === 'http' &&
      own !== undefined &&
      typeof field === 'string' &&
      (own as Record<string, unknown>)[field] === undefined &&
      (root.vs.resource.spec.http?.[root.index] as Record<string, unknown> | undefined)?.[field] !==
        undefined;
    return inherited
      ? root.vs.positionOf(['spec', 'http', root.index, ...path.slice(3)])
      : doc.positionOf(path);
  };
  return { file: doc.file, line: doc.line, resource, positionOf };
}

/**
 * istiod's mergeVirtualServices for a root: each route with `delegate` is replaced by the delegate's
 * routes merged into it. The result is the routes in order, as documents whose (sparse) http lists keep
 * each route's index in the file it was written in, so positions and explain point at the right line.
 * A root without delegation comes back as it was.
 */
export function mergeDelegates(
  root: Located<VirtualService>,
  all: ReadonlyArray<Located<VirtualService>>,
  notes: DelegationNote[],
): Array<Located<VirtualService>> {
  const http = root.resource.spec.http ?? [];
  if (!http.some((r) => r.delegate !== undefined)) return [root];
  const chunks: Array<Located<VirtualService>> = [];
  let own: HTTPRoute[] = [];
  http.forEach((r, i) => {
    if (r.delegate === undefined) {
      own[i] = r;
      return;
    }
    if (own.length > 0) chunks.push(withRoutes(root, own));
    own = [];
    const delegate = findDelegate(root, i, all);
    if (typeof delegate === 'string') {
      notes.push({ vs: root, path: ['spec', 'http', i, 'delegate'], message: delegate });
      return;
    }
    const merged: HTTPRoute[] = [];
    (delegate.resource.spec.http ?? []).forEach((leaf, j) => {
      const route = mergeRoute(r, leaf);
      if (route !== null) merged[j] = route;
      else {
        const message = `its match conflicts with root ${root.resource.metadata.namespace}/${root.resource.metadata.name} http[${i}]: istiod drops this route`;
        notes.push({ vs: delegate, path: ['spec', 'http', j, 'match'], message });
      }
    });
    chunks.push(withRoutes(delegate, merged, { vs: root, index: i }));
  });
  if (own.length > 0) chunks.push(withRoutes(root, own));
  return chunks;
}
