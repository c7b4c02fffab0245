import type { FieldPath } from '../../config/resources/positions.js';
import { RetryOn } from '../../envoy/retry-policy.js';
import { requestsWithStatus } from '../../observe/report-figures.js';
import { type Check, pct } from '../check-context.js';
import { playedText } from '../probe.js';
import { failingText, oneEndpointFailing, stat } from '../standard-probes.js';

/**
 * MSH0009. Outlier detection counts consecutive 5xx (or 502/503/504) answers, and only enforces after a
 * run of them; the router retries an answer only if retry_on matches it (retry_state_impl.cc). When the
 * route's retryOn does not cover 503 (Istio's default since 1.24 does not), every answer that trips the
 * detector reaches the application. The probe fails one host with 503s.
 */
export const retryVersusOutlier: Check = (ctx) => {
  const { target } = ctx;
  const od = target.model.outlierDetection;
  if (od === null || target.dr === undefined || target.model.tcpProxy !== null) return [];
  const counts5xx = od.enforcingConsecutive5xx > 0 && od.consecutive5xx > 0;
  const countsGateway = od.enforcingConsecutiveGatewayFailure > 0 && od.consecutiveGatewayFailure > 0;
  if (!counts5xx && !countsGateway) return [];
  const setup = oneEndpointFailing(target);
  const { report, plan } = ctx.probe(setup);
  const route = plan.model.routes[plan.traffic[0]?.mix[0]?.route ?? -1];
  const retry = route?.retry ?? null;
  const retries503 =
    retry !== null &&
    retry.numRetries > 0 &&
    ((retry.retryOn & (RetryOn['5xx'] | RetryOn['gateway-error'])) !== 0 ||
      ((retry.retryOn & RetryOn['retriable-status-codes']) !== 0 &&
        retry.retriableStatusCodes.includes(503)));
  const cluster = report.clusters[target.model.name];
  const seen503 = requestsWithStatus(report.client, 503);
  const ejections = cluster?.ejections.length ?? 0;
  if (route === undefined || retries503 || seen503 === 0 || ejections === 0) return [];
  const written = target.vs !== undefined && route.name !== 'default';
  const retryOn = retry === null ? 'none (attempts: 0)' : retry.retryOnText;
  const figures = {
    ejections,
    clientRequests: report.client.total,
    answered503: seen503,
    upstream_rq_retry: stat(cluster, 'upstream_rq_retry'),
  };
  const detector = counts5xx
    ? `${od.consecutive5xx} consecutive 5xx`
    : `${od.consecutiveGatewayFailure} consecutive gateway errors`;
  // A VirtualService route is named `namespace/name.http[i]`: the finding points at its retries.
  const index = Number(/\.http\[(\d+)\]$/.exec(route.name)?.[1] ?? 0);
  const at: FieldPath = written ? ['spec', 'http', index, 'retries'] : ctx.outlierPath();
  return [
    ctx.finding(
      'MSH0009',
      written ? 'VirtualService' : 'DestinationRule',
      written ? target.vs! : target.dr,
      at,
      {
        level: written ? 'Warning' : 'Info',
        message: `outlier detection ejects a host of ${target.model.name} after ${detector}, but route ${route.name}'s retryOn (${retryOn}${written ? '' : ", Istio's default"}) retries no 503, so each answer that trips it reaches the application: in the probe the failing host was ejected ${ejections} time(s) and the client saw ${seen503} answers 503 (${pct(seen503 / Math.max(1, report.client.total))}), none retried (upstream_rq_retry ${figures.upstream_rq_retry})`,
        probe: { name: setup.name, played: playedText(setup, failingText(target)), figures },
        fix: 'retry what outlier detection counts on another host: a VirtualService retries block with retryOn covering it, e.g. retryOn: gateway-error,connect-failure,refused-stream (or 5xx, or 503 as a retriable status code)',
      },
    ),
  ];
};
