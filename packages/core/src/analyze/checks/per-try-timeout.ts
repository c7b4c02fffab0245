import type { HTTPRoute } from '../../config/resources/schema/http-route.js';
import { requestsFlagged } from '../../observe/report-figures.js';
import { type Check, secs } from '../check-context.js';
import { playedText } from '../probe.js';
import { stat } from '../standard-probes.js';

/** A path the route's first match takes (`/` when it matches everything). */
const pathOf = (route: HTTPRoute): string => {
  const uri = route.match?.[0]?.uri;
  const path = uri?.exact ?? uri?.prefix;
  return path?.startsWith('/') ? path : '/';
};

/**
 * MSH0004. Envoy arms a per-try timeout when each attempt starts and the route timeout once for the
 * whole request (router.cc); a per-try timeout at or beyond the route timeout can only fire after the
 * route timeout has answered 504 UT, so a hung attempt is never cut short and retried on another host.
 * The probe makes one endpoint hang.
 */
export const perTryTimeout: Check = (ctx) => {
  const { target } = ctx;
  if (target.model.tcpProxy !== null || target.vs === undefined) return [];
  const routes = target.vs.resource.spec.http ?? [];
  const index = routes.findIndex((r) => {
    const perTry = r.retries?.perTryTimeout?.ms;
    return (
      (r.retries?.attempts ?? 1) > 0 &&
      perTry !== undefined &&
      r.timeout !== undefined &&
      r.timeout.ms > 0 &&
      perTry >= r.timeout.ms
    );
  });
  if (index < 0) return [];
  const route = routes[index]!;
  const hangMs = Math.max(60_000, 3 * route.timeout!.ms);
  const setup = {
    name: `one endpoint hanging (http[${index}])`,
    duration: '5s',
    endpoints: { [target.addresses[0]!]: { latency: { constant: `${hangMs}ms` } } },
    traffic: { path: pathOf(route), rps: 20 },
  };
  const { report } = ctx.probe(setup);
  const cluster = report.clusters[target.model.name];
  const timedOut = requestsFlagged(report.client, 'UT');
  const perTryFired = stat(cluster, 'upstream_rq_per_try_timeout');
  if (timedOut === 0 || perTryFired > 0) return [];
  const probe = {
    name: setup.name,
    played: playedText(setup, `${target.addresses[0]} answers after ${secs(hangMs)}, the others in 40 ms`),
    figures: {
      clientRequests: report.client.total,
      timedOutUT: timedOut,
      upstream_rq_per_try_timeout: perTryFired,
      upstream_rq_retry: stat(cluster, 'upstream_rq_retry'),
    },
  };
  return [
    ctx.finding('MSH0004', 'VirtualService', target.vs, ['spec', 'http', index, 'retries', 'perTryTimeout'], {
      message: `perTryTimeout ${route.retries!.perTryTimeout!.text} is not below the route timeout ${route.timeout!.text} of http[${index}], so it never fires: in the probe ${timedOut} requests met the hanging endpoint and each ended 504 UT at ${route.timeout!.text}, never retried on another host (upstream_rq_per_try_timeout ${perTryFired})`,
      probe,
      fix: `make perTryTimeout at most timeout / (attempts + 1), here ${secs(route.timeout!.ms / ((route.retries?.attempts ?? 2) + 1))}, so every attempt fits in the route timeout`,
    }),
  ];
};
