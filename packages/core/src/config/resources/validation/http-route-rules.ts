import { GRPC_STATUS_NAMES } from '../../../envoy/grpc-status.js';
import type { Destination, HTTPMatchRequest, HTTPRoute } from '../schema/http-route.js';
import {
  checkDuration,
  checkFaultPercentage,
  corsHeaderNameProblem,
  isAuthorityHeader,
  regexProblem,
} from './fields.js';
import { validatePort } from './hosts.js';
import { checkHeaderOperations, checkMatch, stringMatchRegexProblem } from './http-match-rules.js';
import type { RuleReport } from './report.js';
import { checkRetries, type DestinationProblem, destinationProblems } from './route-parts.js';

// istiod's validateHTTPRoute (pkg/config/validation/virtualservice.go and validation.go).

export function checkDestination(report: RuleReport, destination: Destination | undefined): void {
  for (const problem of destinationProblems(destination)) report.error(problem.path, problem.message);
}

export type HTTPRouteKind = 'independent' | 'root' | 'delegate';

const CORS_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  '*',
]);
const GRPC_STATUSES: ReadonlySet<string> = new Set(GRPC_STATUS_NAMES);
const KIB = 1024;
const MIB = 1024 * KIB;

export const httpStatusProblem = (status: number): string | undefined =>
  status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;

function checkConflicts(report: RuleReport, http: HTTPRoute, kind: HTTPRouteKind): void {
  const routes = http.route ?? [];
  if (kind === 'root') {
    if (http.redirect !== undefined)
      report.error(['redirect'], `root HTTP route ${http.name ?? ''} must not specify redirect`);
    if (routes.length > 0)
      report.error(['route'], `root HTTP route ${http.name ?? ''} must not specify route`);
    return;
  }
  if (kind === 'delegate' && http.delegate !== undefined)
    report.error(['delegate'], 'delegate HTTP route cannot contain delegate');
  if (http.redirect !== undefined) {
    if (routes.length > 0) report.error(['redirect'], 'HTTP route cannot contain both route and redirect');
    if (http.fault !== undefined)
      report.error(['redirect'], 'HTTP route cannot contain both fault and redirect');
    if (http.rewrite !== undefined)
      report.error(['redirect'], 'HTTP route rule cannot contain both rewrite and redirect');
    if (http.directResponse !== undefined) {
      report.error(['directResponse'], 'HTTP route rule cannot contain both direct_response and redirect');
    }
  } else if (http.directResponse !== undefined) {
    if (routes.length > 0)
      report.error(['directResponse'], 'HTTP route cannot contain both route and direct_response');
    if (http.fault !== undefined)
      report.error(['directResponse'], 'HTTP route cannot contain both fault and direct_response');
    if (http.rewrite !== undefined)
      report.error(['directResponse'], 'HTTP route rule cannot contain both rewrite and direct_response');
  } else if (routes.length === 0) {
    report.error([], 'HTTP route, redirect or direct_response is required');
  }
  if (http.mirror !== undefined && (http.mirrors?.length ?? 0) > 0) {
    report.error(['mirrors'], 'HTTP route cannot contain both mirror and mirrors');
  }
}

function checkCors(report: RuleReport, cors: HTTPRoute['corsPolicy']): void {
  if (cors === undefined) return;
  (cors.allowOrigins ?? []).forEach((origin, i) => {
    const text = origin.exact ?? origin.prefix ?? origin.regex ?? '';
    if (text === '')
      report.error(['allowOrigins', i], `'${text}' is not a valid match type for CORS allow origins`);
    else report.check(['allowOrigins', i], stringMatchRegexProblem(origin, 'corsPolicy.allowOrigins'));
  });
  (cors.allowMethods ?? []).forEach((method, i) => {
    if (!CORS_METHODS.has(method))
      report.error(['allowMethods', i], `${JSON.stringify(method)} is not a supported HTTP method`);
  });
  (cors.allowHeaders ?? []).forEach((name, i) => {
    report.check(['allowHeaders', i], corsHeaderNameProblem(name));
  });
  (cors.exposeHeaders ?? []).forEach((name, i) => {
    report.check(['exposeHeaders', i], corsHeaderNameProblem(name));
  });
  if (cors.maxAge !== undefined) {
    checkDuration(report, ['maxAge'], cors.maxAge);
    if (!Number.isInteger(cors.maxAge.ms / 1000)) {
      report.error(['maxAge'], 'max_age duration is accurate only to seconds precision');
    }
  }
}

function checkFault(report: RuleReport, fault: HTTPRoute['fault']): void {
  if (fault === undefined) return;
  if (fault.abort === undefined && fault.delay === undefined) {
    report.error([], 'HTTP fault injection must have an abort and/or a delay');
  }
  const abort = fault.abort;
  if (abort !== undefined) {
    checkFaultPercentage(report, ['abort', 'percentage', 'value'], abort.percentage?.value);
    if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUSES.has(abort.grpcStatus)) {
        report.error(
          ['abort', 'grpcStatus'],
          `gRPC status ${JSON.stringify(abort.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`,
        );
      }
    } else if (abort.http2Error !== undefined) {
      report.error(['abort', 'http2Error'], 'HTTP/2 abort fault injection not supported yet');
    } else if (abort.httpStatus !== undefined) {
      report.check(['abort', 'httpStatus'], httpStatusProblem(abort.httpStatus));
    } else {
      report.warn(['abort'], 'abort configured, but error type not set');
    }
  }
  const delay = fault.delay;
  if (delay !== undefined) {
    checkFaultPercentage(report, ['delay', 'percentage', 'value'], delay.percentage?.value);
    checkDuration(report, ['delay', 'fixedDelay'], delay.fixedDelay);
    if (delay.exponentialDelay !== undefined) {
      checkDuration(report, ['delay', 'exponentialDelay'], delay.exponentialDelay);
      report.error(['delay', 'exponentialDelay'], 'exponentialDelay not supported yet');
    }
  }
}

/** Istio stops at the first broken redirect rule. */
function redirectProblem(
  redirect: HTTPRoute['redirect'],
  matches: readonly HTTPMatchRequest[],
): DestinationProblem | undefined {
  if (redirect === undefined) return undefined;
  const uri = redirect.uri ?? '';
  const prefixRewrite = redirect.prefixRewrite ?? '';
  if (uri !== '' && prefixRewrite !== '')
    return { path: ['prefixRewrite'], message: 'redirect may only specify one of uri or prefix_rewrite' };
  if (prefixRewrite !== '' && matches.some((m) => m.uri !== undefined && m.uri.prefix === undefined)) {
    return {
      path: ['prefixRewrite'],
      message: 'redirect prefix_rewrite requires all URI matches to use prefix match type',
    };
  }
  const hasPort = redirect.port !== undefined || redirect.derivePort !== undefined;
  if (
    uri === '' &&
    prefixRewrite === '' &&
    (redirect.authority ?? '') === '' &&
    !hasPort &&
    (redirect.scheme ?? '') === ''
  ) {
    return { path: [], message: 'redirect must specify URI, authority, scheme, or port' };
  }
  const code = redirect.redirectCode ?? 0;
  if (code !== 0 && (code < 300 || code > 399))
    return { path: ['redirectCode'], message: `${code} is not a valid redirect code, must be 3xx` };
  const scheme = redirect.scheme ?? '';
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https')
    return { path: ['scheme'], message: 'invalid redirect scheme, must be "http" or "https"' };
  if ((redirect.port ?? 0) > 0) {
    const port = validatePort(redirect.port ?? 0);
    if (port !== undefined) return { path: ['port'], message: port };
  }
  return undefined;
}

function checkDirectResponse(report: RuleReport, response: HTTPRoute['directResponse']): void {
  if (response === undefined) return;
  const body = response.body;
  if (body !== undefined) {
    let size = 0;
    if (body.string !== undefined) size = Buffer.byteLength(body.string, 'utf8');
    else if (body.bytes !== undefined) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.bytes) || body.bytes.length % 4 !== 0) {
        report.crd(['body', 'bytes'], 'must be base64-encoded bytes');
      }
      size = Buffer.from(body.bytes, 'base64').length;
    }
    if (size > MIB)
      report.error(
        ['body'],
        'large direct_responses may impact control plane performance, must be less than 1MB',
      );
    else if (size > 100 * KIB)
      report.warn(['body'], 'large direct_responses may impact control plane performance');
  }
  report.check(['status'], httpStatusProblem(response.status));
}

function checkRewrite(report: RuleReport, http: HTTPRoute): void {
  const rewrite = http.rewrite;
  if (rewrite !== undefined) {
    const uri = rewrite.uri ?? '';
    const regex = rewrite.uriRegexRewrite;
    if (uri !== '' && regex !== undefined)
      report.error(['rewrite'], 'rewrite may only contain one of URI or UriRegexRewrite');
    else if (uri === '' && regex === undefined && (rewrite.authority ?? '') === '') {
      report.error(
        ['rewrite'],
        'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified',
      );
    } else if (regex !== undefined) {
      if ((regex.match ?? '') === '' || (regex.rewrite ?? '') === '') {
        report.error(
          ['rewrite', 'uriRegexRewrite'],
          'UriRegexRewrite has errors: UriRegexRewrite requires both Rewrite and Match fields to be specified',
        );
      } else
        report.check(
          ['rewrite', 'uriRegexRewrite', 'match'],
          regexProblem(regex.match ?? '', 'HTTPRewrite.UriRegexRewrite.Match'),
        );
    }
  }
  // The authority may be rewritten in one place only.
  let current = rewrite?.authority ?? '';
  for (const op of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(http.headers?.request?.[op] ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      if (current !== '') {
        report.error(
          ['headers', 'request', op, name],
          `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(value)}`,
        );
        return;
      }
      current = value;
    }
  }
}

export function checkHttpRoute(report: RuleReport, http: HTTPRoute, kind: HTTPRouteKind): void {
  checkConflicts(report, http, kind);
  (http.match ?? []).forEach((match, i) => {
    checkMatch(report.at('match', i), match);
  });
  checkHeaderOperations(report.at('headers'), http.headers);
  checkCors(report.at('corsPolicy'), http.corsPolicy);
  checkFault(report.at('fault'), http.fault);
  if (http.mirrorPercent !== undefined)
    report.warn(
      ['mirrorPercent'],
      'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead',
    );
  checkDestination(report.at('mirror'), http.mirror);
  (http.mirrors ?? []).forEach((mirror, i) => {
    checkDestination(report.at('mirrors', i, 'destination'), mirror.destination);
  });
  const redirect = redirectProblem(http.redirect, http.match ?? []);
  if (redirect !== undefined) report.error(['redirect', ...redirect.path], redirect.message);
  checkDirectResponse(report.at('directResponse'), http.directResponse);
  checkRetries(report.at('retries'), http.retries);
  checkRewrite(report, http);
  const routes = http.route ?? [];
  routes.forEach((destination, i) => {
    const here = report.at('route', i);
    checkHeaderOperations(here.at('headers'), destination.headers);
    checkDestination(here.at('destination'), destination.destination);
  });
  if (routes.length > 1 && routes.every((r) => (r.weight ?? 0) === 0))
    report.error(['route'], 'total destination weight = 0');
  checkDuration(report, ['timeout'], http.timeout);
}
