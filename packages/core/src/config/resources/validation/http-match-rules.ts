import type { Headers, HTTPMatchRequest, StringMatch } from '../schema/http-route.js';
import {
  headerMatchNameProblem,
  headerOperationProblem,
  headerValueProblem,
  regexProblem,
  requestSetHeaderProblem,
} from './fields.js';
import { isDns1123Label, validatePort } from './hosts.js';
import { gatewayNameProblems, labelProblems } from './labels.js';
import type { RuleReport } from './report.js';

// istiod's checks of an HTTP route's match conditions and header operations (virtualservice.go).

/** A regex match must be a non-empty RE2 regex. */
export function stringMatchRegexProblem(match: StringMatch | undefined, where: string): string | undefined {
  if (match?.regex === undefined) return undefined;
  if (match.regex === '') return `"${where}": regex string match should not be empty`;
  return regexProblem(match.regex, where);
}

/** Besides the regex rule, a prefix match must not be empty (URI matches are the exception). */
function stringMatchProblem(match: StringMatch | undefined, where: string): string | undefined {
  if (match?.prefix === '') return `"${where}": prefix string match should not be empty`;
  return stringMatchRegexProblem(match, where);
}

export function checkMatch(report: RuleReport, match: HTTPMatchRequest): void {
  for (const [name, header] of Object.entries(match.headers ?? {})) {
    report.check(['headers', name], headerMatchNameProblem(name));
    report.check(['headers', name], stringMatchProblem(header, 'headers'));
  }
  for (const [name, header] of Object.entries(match.withoutHeaders ?? {})) {
    report.check(['withoutHeaders', name], headerMatchNameProblem(name));
    // `*` is not a regex here: it means "header present".
    if (header.regex !== '*')
      report.check(['withoutHeaders', name], stringMatchProblem(header, 'withoutHeaders'));
  }
  report.check(['uri'], stringMatchRegexProblem(match.uri, 'uri'));
  report.check(['scheme'], stringMatchProblem(match.scheme, 'scheme'));
  report.check(['method'], stringMatchProblem(match.method, 'method'));
  report.check(['authority'], stringMatchProblem(match.authority, 'authority'));
  for (const [name, param] of Object.entries(match.queryParams ?? {})) {
    report.check(['queryParams', name], stringMatchProblem(param, 'queryParams'));
  }
  if (match.port !== undefined && match.port !== 0) report.check(['port'], validatePort(match.port));
  for (const [key, problem] of labelProblems(match.sourceLabels))
    report.error(['sourceLabels', key], problem);
  checkGatewayNames(report.at('gateways'), match.gateways);
  if (
    match.sourceNamespace !== undefined &&
    match.sourceNamespace !== '' &&
    !isDns1123Label(match.sourceNamespace)
  ) {
    report.error(['sourceNamespace'], `sourceNamespace match ${match.sourceNamespace} is invalid`);
  }
}

/** Istio checks names up to and including the first one without a `/`, then stops. */
export function checkGatewayNames(report: RuleReport, names: readonly string[] | undefined): void {
  for (const [i, name] of (names ?? []).entries()) {
    const { error, warning } = gatewayNameProblems(name);
    if (warning !== undefined) report.warn([i], warning);
    report.check([i], error);
    if (!name.includes('/')) return;
  }
}

export function checkHeaderOperations(report: RuleReport, headers: Headers | undefined): void {
  const request = headers?.request;
  const response = headers?.response;
  for (const op of ['add', 'set'] as const) {
    for (const [name, value] of Object.entries(request?.[op] ?? {})) {
      report.check(['request', op, name], requestSetHeaderProblem(name));
      report.check(['request', op, name], headerValueProblem(value));
    }
  }
  (request?.remove ?? []).forEach((name, i) => {
    report.check(['request', 'remove', i], headerOperationProblem(name));
  });
  for (const op of ['add', 'set'] as const) {
    for (const [name, value] of Object.entries(response?.[op] ?? {})) {
      report.check(['response', op, name], headerOperationProblem(name));
      report.check(['response', op, name], headerValueProblem(value));
    }
  }
  (response?.remove ?? []).forEach((name, i) => {
    report.check(['response', 'remove', i], headerOperationProblem(name));
  });
}
