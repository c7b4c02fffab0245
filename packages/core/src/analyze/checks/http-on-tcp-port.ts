import type { FieldPath } from '../../config/resources/positions.js';
import type { HTTPRoute } from '../../config/resources/schema/http-route.js';
import { requestsFlagged, requestsWithStatus } from '../../observe/report-figures.js';
import { type Check, pct, secs } from '../check-context.js';
import { HEALTHY, playedText } from '../probe.js';

/** The first http route that sets retries, a timeout or a fault, and which of them it sets. */
function httpSettings(routes: readonly HTTPRoute[]): { index: number; set: string[] } | undefined {
  for (const [index, r] of routes.entries()) {
    const set = [
      ...((r.retries?.attempts ?? 1) > 0 && r.retries !== undefined ? ['retries'] : []),
      ...(r.timeout !== undefined ? ['timeout'] : []),
      ...(r.fault !== undefined ? ['fault'] : []),
    ];
    if (set.length > 0) return { index, set };
  }
  return undefined;
}

/**
 * MSH0003. On a port that is not HTTP (HTTPS, TLS, TCP …) the sidecar's listener has a tcp_proxy
 * filter, not the HTTP connection manager, so a VirtualService's http routes never apply (Istio builds
 * them only for HTTP ports): no retry, timeout or fault runs. The probe makes one endpoint answer 503 and
 * another hang, and shows the application meeting both.
 */
export const httpOnTcpPort: Check = (ctx) => {
  const { target } = ctx;
  const routes = target.vs?.resource.spec.http ?? [];
  const found = target.model.tcpProxy === null ? undefined : httpSettings(routes);
  if (found === undefined || target.vs === undefined) return [];
  const route = routes[found.index]!;
  const timeoutMs = route.timeout?.ms ?? 0;
  const [bad, slow] = target.addresses;
  const hangMs = Math.max(60_000, 3 * timeoutMs);
  // A DNS_ROUND_ROBIN cluster connects to the first answer: rotating them lets both endpoints be met.
  const rotate = target.model.type === 'LOGICAL_DNS';
  const dns = rotate
    ? Object.fromEntries(Object.entries(target.dns).map(([n, d]) => [n, { ...d, rotate }]))
    : {};
  const setup = {
    name: 'one endpoint failing, one hanging',
    duration: '5s',
    dns,
    endpoints: {
      [bad!]: { ...HEALTHY, errors: [{ status: 503, rate: 1 }] },
      ...(slow !== undefined ? { [slow]: { latency: { constant: `${hangMs}ms` } } } : {}),
    },
  };
  const { report } = ctx.probe(setup);
  const c = report.client;
  const figures = {
    clientRequests: c.total,
    failedUnretried: requestsWithStatus(c, 503) + requestsWithStatus(c, 0),
    maxLatency: secs(c.latencyMs.max),
    timedOutUT: requestsFlagged(c, 'UT'),
    faultedFIorDI: requestsFlagged(c, 'FI') + requestsFlagged(c, 'DI'),
  };
  const shown: string[] = [];
  if (found.set.includes('retries') && figures.failedUnretried > 0)
    shown.push(
      `${figures.failedUnretried} requests (${pct(figures.failedUnretried / c.total)}) failed, answered 503 or closed unanswered, and none was retried`,
    );
  if (found.set.includes('timeout') && slow !== undefined && c.latencyMs.max > timeoutMs)
    shown.push(
      `requests to the hanging endpoint took up to ${figures.maxLatency}, past the route timeout of ${route.timeout!.text}, and none timed out (UT ${figures.timedOutUT})`,
    );
  if (found.set.includes('fault') && figures.faultedFIorDI === 0)
    shown.push('no request was aborted or delayed by the fault (no FI or DI flag)');
  if (shown.length === 0) return [];
  const path: FieldPath = ['spec', 'http', found.index, found.set[0]!];
  return [
    ctx.finding('MSH0003', 'VirtualService', target.vs, path, {
      message: `port ${target.port.number} of ${target.host} is ${target.model.protocol}: the sidecar tcp-proxies it, so the ${found.set.join(' and ')} of http[${found.index}] never run. In the probe ${shown.join('; ')}`,
      probe: {
        name: setup.name,
        played: playedText(
          setup,
          `${bad} answers 503 to every request${slow !== undefined ? `, ${slow} answers after ${secs(hangMs)}` : ''}, the others in 40 ms`,
        ),
        figures,
      },
      fix: `declare the port with an HTTP protocol if the application speaks plain HTTP to the sidecar (and let a DestinationRule tls: SIMPLE originate TLS); on a ${target.model.protocol} port use the application's own retries and timeouts, and outlier detection on connect failures`,
    }),
  ];
};
