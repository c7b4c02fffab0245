import type { Destination, HTTPRetry } from '../schema/http-route.js';
import { subsetNameProblem } from './destination-rule-rules.js';
import { checkDuration } from './fields.js';
import { validatePort, validateWildcardDomain } from './hosts.js';
import type { RulePath, RuleReport } from './report.js';
import { invalidRetryOnEntries } from './retry-on.js';

// Parts of a route shared by HTTP, TLS and TCP routes: destinations and the retry policy.

export interface DestinationProblem {
  path: RulePath;
  message: string;
}

/** Istio's validateDestination: a (wildcard) host but not `*`, a DNS-label subset, a port in range. */
export function destinationProblems(destination: Destination | undefined): DestinationProblem[] {
  if (destination === undefined) return [];
  const problems: DestinationProblem[] = [];
  const host = destination.host;
  const hostProblem = host === '*' ? `invalid destination host ${host}` : validateWildcardDomain(host);
  if (hostProblem !== undefined) problems.push({ path: ['host'], message: hostProblem });
  if (destination.subset !== undefined && destination.subset !== '') {
    const subset = subsetNameProblem(destination.subset);
    if (subset !== undefined) problems.push({ path: ['subset'], message: subset });
  }
  if (destination.port !== undefined) {
    const port = validatePort(destination.port.number);
    if (port !== undefined) problems.push({ path: ['port', 'number'], message: port });
  }
  return problems;
}

/** Route weights: none negative (the schema) and, with several destinations, not all zero. */
export function checkRouteDestinations(
  report: RuleReport,
  routes: ReadonlyArray<{ destination: Destination; weight?: number | undefined }>,
): void {
  routes.forEach((route, i) => {
    for (const problem of destinationProblems(route.destination)) {
      report.error([i, 'destination', ...problem.path], problem.message);
    }
  });
  if (routes.length > 1 && routes.every((route) => (route.weight ?? 0) === 0)) {
    report.error([], 'total destination weight = 0');
  }
}

/** Istio's ValidateHTTPRetry. */
export function checkRetries(report: RuleReport, retries: HTTPRetry | undefined): void {
  if (retries === undefined) return;
  const attempts = retries.attempts ?? 0;
  if (
    attempts === 0 &&
    (retries.perTryTimeout !== undefined ||
      (retries.retryOn ?? '') !== '' ||
      retries.retryRemoteLocalities !== undefined)
  ) {
    report.error(['attempts'], 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  checkDuration(report, ['perTryTimeout'], retries.perTryTimeout);
  for (const entry of invalidRetryOnEntries(retries.retryOn ?? '')) {
    report.error(['retryOn'], `${JSON.stringify(entry)} is not a valid retryOn policy`);
  }
  checkDuration(report, ['backoff'], retries.backoff);
}
