import type { HTTPMatchRequest, HTTPRoute, StringMatch } from '../schema/http-route.js';
import type { VirtualServiceSpec } from '../schema/virtual-service.js';
import type { RuleReport } from './report.js';

// istiod's analyzeUnreachable*Rules: warnings (never errors) for routes and matches that can
// never be chosen because an earlier one takes all their traffic.

/** A stable text for a match, its name left out, to find exact duplicates. */
function matchKey(match: object): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sorted(v)]),
    );
  };
  const { name: _name, ...rest } = match as { name?: unknown };
  return JSON.stringify(sorted(rest));
}

const exactOrPrefix = (m: StringMatch | undefined): string =>
  m?.exact ? `exact:${m.exact}` : m?.prefix ? `prefix:${m.prefix}` : '';

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  maps: Array<Map<string, string>>;
}

function prefixMatch(match: HTTPMatchRequest, route: string, name: string): PrefixMatch | undefined {
  const prefix = match.uri?.prefix ?? '';
  if (prefix === '') return undefined;
  const asMap = (record: Record<string, StringMatch> | undefined) =>
    new Map(Object.entries(record ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));
  return {
    route,
    match: name,
    prefix,
    port: match.port ?? 0,
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    maps: [asMap(match.headers), asMap(match.queryParams), asMap(match.withoutHeaders)],
  };
}

const narrower = (a: string, b: string): boolean => a === b || a.startsWith(b);

/** Istio's coveredValidation: does the earlier prefix match `a` take all the traffic of `b`? */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (!narrower(a.method, b.method) || !narrower(a.authority, b.authority)) return false;
  return a.maps.every((map, i) => {
    const other = b.maps[i] ?? new Map<string, string>();
    if (map.size !== other.size) return false;
    return [...map].every(([key, value]) => other.has(key) && narrower(value, other.get(key) ?? ''));
  });
}

const MAX_PREFIX_MATCHES = 2_000;

type AnyRoute = { match?: object[] | undefined; name?: string | undefined };

function analyze(report: RuleReport, kind: string, routes: readonly AnyRoute[], http: boolean): void {
  const seen = new Map<string, number>();
  const prefixes: PrefixMatch[] = [];
  let catchAll = -1;
  const routeName = (route: AnyRoute, i: number) =>
    http && route.name ? JSON.stringify(route.name) : `#${i}`;
  routes.forEach((route, i) => {
    const matches = route.match ?? [];
    if (matches.length === 0) {
      if (catchAll >= 0)
        report.warn(
          [kind, i],
          `virtualService rule ${routeName(route, i)} not used (only the last rule can have no matches)`,
        );
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, j) => {
      if (catchAll >= 0) {
        report.warn(
          [kind, i],
          `virtualService rule ${routeName(route, i)} not used (route without matches defined before)`,
        );
        return;
      }
      const key = matchKey(match);
      const name =
        http && (match as HTTPMatchRequest).name ? JSON.stringify((match as HTTPMatchRequest).name) : `#${j}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const other = routes[earlier] ?? {};
        report.warn(
          [kind, i, 'match', j],
          `virtualService rule ${routeName(route, i)} match ${name} is not used (duplicate/overlapping match in rule ${routeName(other, earlier)})`,
        );
        duplicates++;
        return;
      }
      seen.set(key, i);
      const prefix = http ? prefixMatch(match as HTTPMatchRequest, routeName(route, i), name) : undefined;
      if (prefix !== undefined) prefixes.push({ ...prefix, match: `${j}` });
    });
    if (duplicates === matches.length)
      report.warn(
        [kind, i],
        `virtualService rule ${routeName(route, i)} not used (all matches used by prior rules)`,
      );
  });
  // Every pair of prefix matches is compared; a hostile number of them is not analysed (warnings only).
  if (prefixes.length > MAX_PREFIX_MATCHES) return;
  prefixes.forEach((a, i) => {
    for (const b of prefixes.slice(i + 1)) {
      if (b.prefix === a.prefix || !covers(a, b)) continue;
      report.warn(
        [kind],
        `virtualService rule ${b.route} match #${b.match} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule #${a.match} of prefix ${a.prefix} on ${a.route})`,
      );
    }
  });
}

export function checkUnreachableRoutes(report: RuleReport, spec: VirtualServiceSpec): void {
  analyze(report, 'http', (spec.http ?? []) as readonly HTTPRoute[], true);
  analyze(report, 'tcp', spec.tcp ?? [], false);
  analyze(report, 'tls', spec.tls ?? [], false);
}
