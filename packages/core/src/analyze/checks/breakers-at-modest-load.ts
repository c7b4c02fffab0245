import type { TranslatedCluster } from '../../config/translate/translated-cluster.js';
import { requestsFlagged } from '../../observe/report-figures.js';
import { type Check, pct } from '../check-context.js';
import { HEALTHY_MEAN_MS, playedText } from '../probe.js';
import { stat } from '../standard-probes.js';

/** Past this many requests in flight, Poisson load at half of it never reaches the limit (Erlang loss < 1e-9). */
const MAX_PROBED_LIMIT = 1000;

/** The requests in flight the breakers admit, and the field that sets it. */
function admitted(model: TranslatedCluster): { limit: number; field: string[] } | undefined {
  const cb = model.circuitBreakers;
  const from = model.circuitBreakersFrom;
  const h2 = model.upstreamProtocol?.protocol === 'HTTP/2';
  const options: Array<{ limit: number; field: string[]; set: boolean }> = [
    { limit: cb.maxRequests, field: ['http', 'http2MaxRequests'], set: from.maxRequests === 'set' },
    ...(h2
      ? []
      : [{ limit: cb.maxConnections, field: ['tcp', 'maxConnections'], set: from.maxConnections === 'set' }]),
  ];
  const tightest = options.filter((o) => o.set).sort((a, b) => a.limit - b.limit)[0];
  return tightest === undefined || tightest.limit > MAX_PROBED_LIMIT ? undefined : tightest;
}

/**
 * MSH0006. Envoy answers 503 UO the moment a request finds max_connections (or max_requests) reached
 * and the pending queue full (resource_manager_impl.h, conn_pool_base.cc). Limits sized for the mean
 * load overflow under ordinary Poisson bursts. The probe sends half the load the limit admits at the
 * probe's latency (Little's law: rps = limit × ½ / mean latency) and counts the UO answers.
 */
export const breakersAtModestLoad: Check = (ctx) => {
  const { target } = ctx;
  const limit = admitted(target.model);
  if (limit === undefined || target.dr === undefined) return [];
  const rps = (0.5 * limit.limit * 1000) / HEALTHY_MEAN_MS;
  const setup = { name: 'half the load the pool admits', duration: '5s', traffic: { rps, keepAlive: true } };
  const { report } = ctx.probe(setup);
  const cluster = report.clusters[target.model.name];
  const overflowed = requestsFlagged(report.client, 'UO');
  if (overflowed === 0) return [];
  const figures = {
    rps: +rps.toFixed(1),
    limit: limit.limit,
    meanLatencyMs: +HEALTHY_MEAN_MS.toFixed(1),
    clientRequests: report.client.total,
    answeredUO: overflowed,
    upstream_rq_pending_overflow: stat(cluster, 'upstream_rq_pending_overflow'),
    upstream_cx_overflow: stat(cluster, 'upstream_cx_overflow'),
  };
  const field = limit.field.join('.');
  return [
    ctx.finding('MSH0006', 'DestinationRule', target.dr, ctx.poolPath(...limit.field), {
      message: `the circuit breakers of ${target.model.name} answer UO at modest load: at ${figures.rps} requests a second, half of what ${field} ${limit.limit} admits at ${figures.meanLatencyMs} ms a request, Poisson bursts already overflow: ${overflowed} of ${report.client.total} requests (${pct(overflowed / report.client.total)}) were ${target.model.tcpProxy === null ? 'answered 503 UO' : 'closed unanswered (UO)'} (upstream_rq_pending_overflow ${figures.upstream_rq_pending_overflow}, upstream_cx_overflow ${figures.upstream_cx_overflow})`,
      probe: {
        name: setup.name,
        played: playedText(setup, 'every endpoint answers in 40 ms (p99 200 ms)'),
        figures,
      },
      fix: `size the limits for the peak, not the mean: requests in flight ≈ requests a second × latency; give ${field} 2 to 3 times that, and http1MaxPendingRequests room to queue short bursts instead of refusing them`,
    }),
  ];
};
