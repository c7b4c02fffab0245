import type { RunPlan } from '../config/plan/run-plan.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import type { ClientObserver } from '../observe/client-observer.js';
import type { TraceRecorder } from '../observe/trace.js';
import { Router } from '../router/router.js';
import { TcpProxy } from '../router/tcp-proxy.js';
import { ConnectionState } from '../upstream/connection.js';

import type { EndpointServer } from '../world/endpoint-server.js';
import type { SyntheticDns } from '../world/synthetic-dns.js';
import type { Upstream } from './clusters.js';

/** The sidecar's two proxies: the HTTP router and the tcp proxy, over the same clusters. */
export interface Sidecar {
  router: Router;
  tcpProxy: TcpProxy;
}

/**
 * Builds the router and the tcp proxy and hands them the pools' callbacks. `onAnswered` hears of each
 * request answered, by its traffic source.
 */
export function buildSidecar(
  kernel: Kernel,
  plan: RunPlan,
  streams: RandomStreams,
  upstream: Upstream,
  dns: SyntheticDns,
  client: ClientObserver,
  trace: TraceRecorder | null,
  onAnswered: (source: number) => void,
): Sidecar {
  const { clusters, context } = upstream;
  // The application's own name lookup (ORIGINAL_DST): the first answer, or null when it fails.
  const resolveForApplication = (host: string): string | null => {
    const answer = dns.query(host);
    return answer.ok ? (answer.addresses[0] ?? null) : null;
  };
  const router = new Router(
    kernel,
    plan.model.routes,
    clusters,
    plan.workers,
    streams.get('proxy/worker'),
    streams.get('router/backoff'),
    streams.get('router/fault'),
    streams.get('router/weighted-clusters'),
    client,
    onAnswered,
    resolveForApplication,
  );
  context.callbacks = router;
  router.trace = trace;
  router.mirrorRng = streams.get('router/mirror');
  const tcpProxy = new TcpProxy(
    kernel,
    plan.model.routes,
    clusters,
    plan.workers,
    streams.get('proxy/tcp-worker'),
    streams.get('proxy/tcp-weighted-clusters'),
    client,
    (source) => plan.traffic[source]?.keepAlive ?? true,
    onAnswered,
    resolveForApplication,
  );
  context.tcpCallbacks = tcpProxy;
  tcpProxy.trace = trace;
  return { router, tcpProxy };
}

/** Requests started through either proxy and not yet answered. */
export function inFlight(sidecar: Sidecar): number {
  return sidecar.router.inFlight + sidecar.tcpProxy.inFlight;
}

/** A server gone away: connections carrying requests are reset, idle ones close. */
export function closeConnectionsTo(sidecar: Sidecar, upstream: Upstream, server: EndpointServer): void {
  for (const conn of upstream.connections.all()) {
    if (conn.server !== server || conn.pool === null) continue;
    if (conn.activeStreams > 0) (conn.pool.isTcp ? sidecar.tcpProxy : sidecar.router).resetConnection(conn);
    else if (conn.state === ConnectionState.Ready) conn.pool.closeIdle(conn);
  }
}
