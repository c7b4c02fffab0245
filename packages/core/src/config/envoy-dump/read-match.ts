import type { FieldPath } from '../resources/positions.js';
import { type DumpContext, isObject, listUnmodelled } from './dump-context.js';
import type { DumpHeaderMatch, DumpRouteMatch, DumpStringMatch } from './dump-model.js';
import {
  type HeaderMatcherJson,
  type RouteMatchJson,
  routeMatchSchema,
  type StringMatcherJson,
} from './schema/route.js';

export function stringMatchOf(m: StringMatcherJson): DumpStringMatch {
  return {
    ...(m.exact !== undefined ? { exact: m.exact } : {}),
    ...(m.prefix !== undefined ? { prefix: m.prefix } : {}),
    ...(m.suffix !== undefined ? { suffix: m.suffix } : {}),
    ...(m.contains !== undefined ? { contains: m.contains } : {}),
    ...(m.safe_regex !== undefined ? { regex: m.safe_regex.regex } : {}),
    ignoreCase: m.ignore_case === true,
  };
}

/** A HeaderMatcher, its deprecated `*_match` forms folded into a string match. */
function headerMatchOf(h: HeaderMatcherJson): DumpHeaderMatch {
  const legacy: StringMatcherJson | undefined =
    h.exact_match !== undefined
      ? { exact: h.exact_match }
      : h.prefix_match !== undefined
        ? { prefix: h.prefix_match }
        : h.suffix_match !== undefined
          ? { suffix: h.suffix_match }
          : h.contains_match !== undefined
            ? { contains: h.contains_match }
            : h.safe_regex_match !== undefined
              ? { safe_regex: h.safe_regex_match }
              : undefined;
  const m = h.string_match ?? legacy;
  return {
    name: h.name.toLowerCase(),
    ...(h.present_match !== undefined ? { present: h.present_match } : {}),
    ...(m !== undefined ? { match: stringMatchOf(m) } : {}),
    invert: h.invert_match === true,
  };
}

/** How a match reads in explain: the path condition, then headers and query parameters. */
function matchText(m: RouteMatchJson): string {
  const path =
    m.prefix !== undefined
      ? `prefix ${m.prefix}`
      : m.path !== undefined
        ? `path ${m.path}`
        : m.safe_regex !== undefined
          ? `regex ${m.safe_regex.regex}`
          : m.path_separated_prefix !== undefined
            ? `path_separated_prefix ${m.path_separated_prefix}`
            : 'nothing';
  const headers = (m.headers ?? []).map((h) => `header ${h.name}`);
  const query = (m.query_parameters ?? []).map((q) => `query ${q.name}`);
  const cs = m.case_sensitive === false ? ' (case-insensitive)' : '';
  return [path + cs, ...headers, ...query].join(', ');
}

/**
 * A RouteMatch as the router compares requests: one path condition (no path condition matches nothing,
 * as a `connect_matcher` never matches an HTTP/1.1 request), headers (`:method` is the request's method)
 * and query parameters. Conditions meshsim cannot evaluate (runtime fractions, gRPC, TLS, metadata) are
 * listed as not modelled and taken as if they held.
 */
export function readRouteMatch(
  ctx: DumpContext,
  raw: unknown,
  m: RouteMatchJson,
  path: FieldPath,
): DumpRouteMatch {
  listUnmodelled(ctx, raw, path, routeMatchSchema, [], 'route match');
  if (isObject(raw) && raw.connect_matcher !== undefined) {
    ctx.notModelled(
      [...path, 'connect_matcher'],
      'CONNECT requests: the application never sends one, so this route never matches',
    );
  }
  return {
    ...(m.prefix !== undefined ? { prefix: m.prefix } : {}),
    ...(m.path !== undefined ? { path: m.path } : {}),
    ...(m.safe_regex !== undefined ? { regex: m.safe_regex.regex } : {}),
    ...(m.path_separated_prefix !== undefined ? { pathSeparatedPrefix: m.path_separated_prefix } : {}),
    caseSensitive: m.case_sensitive !== false,
    headers: (m.headers ?? []).map(headerMatchOf),
    queryParameters: (m.query_parameters ?? []).map((q) => ({
      name: q.name,
      ...(q.present_match !== undefined ? { present: q.present_match } : {}),
      ...(q.string_match !== undefined ? { match: stringMatchOf(q.string_match) } : {}),
    })),
    text: matchText(m),
  };
}
