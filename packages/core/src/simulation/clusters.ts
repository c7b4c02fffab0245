import type { RunPlan } from '../config/plan/run-plan.js';
import { hasListedEndpoints } from '../envoy/cluster.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClientObserver } from '../observe/client-observer.js';
import type { TraceRecorder } from '../observe/trace.js';
import { Cluster } from '../upstream/cluster.js';
import { Connection, type ConnectionTable, PoolFailureReason } from '../upstream/connection.js';
import { DnsClusterResolver } from '../upstream/dns-resolver.js';
import type { Host, ServerDirectory } from '../upstream/host.js';
import type { PoolContext } from '../upstream/pool-context.js';
import type { SyntheticDns } from '../world/synthetic-dns.js';

/** The pools' shared context; the proxies, made after the clusters, fill in its callbacks. */
export type RunPoolContext = { -readonly [K in keyof PoolContext]: PoolContext[K] };

/** The run's clusters and what their pools share. */
export interface Upstream {
  clusters: Cluster[];
  connections: ConnectionTable;
  context: RunPoolContext;
}

/**
 * Builds the clusters of the plan's model over the run's endpoints; every ejection or return of a host
 * recalculates its cluster's priority levels and lands on the timeline.
 */
export function buildClusters(
  kernel: Kernel,
  plan: RunPlan,
  streams: RandomStreams,
  endpoints: ServerDirectory,
  client: ClientObserver,
  trace: TraceRecorder | null,
): Upstream {
  const connections: ConnectionTable = new RecyclingTable((id) => new Connection(id));
  const context = poolContext(kernel, connections, trace);
  let ejectedHosts = 0;
  const clusters: Cluster[] = [];
  for (const m of plan.model.clusters) {
    const index = clusters.length;
    const detectorHost = {
      nowMs: () => kernel.nowMs,
      onHealthChanged: (delta: number, host: Host) => {
        clusters[index]!.priorities.recalculate();
        if (trace !== null) trace.ejection(m.name, host.hostPort, delta > 0);
        ejectedHosts += delta;
        client.timeline.setEjectedHosts(kernel.nowMs, ejectedHosts);
      },
    };
    clusters.push(new Cluster(m, plan.workers, streams, endpoints, context, detectorHost, client.timeline));
  }
  return { clusters, connections, context };
}

/** The connection events every pool schedules; callbacks stay inert until the proxies exist. */
function poolContext(
  kernel: Kernel,
  connections: ConnectionTable,
  trace: TraceRecorder | null,
): RunPoolContext {
  const connectionEvent = (handle: (conn: Connection) => void) =>
    kernel.defineEvent((id) => handle(connections.get(id)));
  return {
    kernel,
    connections,
    connectDoneEvent: connectionEvent((c) => c.pool!.onConnected(c)),
    connectRefusedEvent: connectionEvent((c) =>
      c.pool!.onConnectFailed(c, PoolFailureReason.RemoteConnectionFailure),
    ),
    connectTimeoutEvent: connectionEvent((c) => c.pool!.onConnectFailed(c, PoolFailureReason.Timeout)),
    idleCheckEvent: connectionEvent((c) => c.pool!.onIdleCheck(c)),
    maxDurationEvent: connectionEvent((c) => c.pool!.onMaxDuration(c)),
    pingEvent: connectionEvent((c) => c.pool!.onPingTimer(c)),
    callbacks: { onPoolReady: () => {}, onPoolFailure: () => {}, isWaiting: () => false },
    trace,
    tcpCallbacks: { onPoolReady: () => {}, onPoolFailure: () => {}, isWaiting: () => false },
  };
}

/** DNS clusters warm on their first resolution at t = 0; each resolve target then refreshes on its own. */
export function startDnsResolution(
  kernel: Kernel,
  streams: RandomStreams,
  clusters: readonly Cluster[],
  dns: SyntheticDns,
): void {
  const resolveTargets: Array<[DnsClusterResolver, number]> = [];
  const dnsRefresh = kernel.defineEvent((id) => {
    const [resolver, target] = resolveTargets[id]!;
    resolver.resolve(target);
  });
  for (const cluster of clusters) {
    if (hasListedEndpoints(cluster.model.type)) continue;
    const jitter = streams.get(`dns/${cluster.name}`);
    const resolver = new DnsClusterResolver(cluster, dns, kernel, jitter, dnsRefresh, resolveTargets.length);
    for (let t = 0; t < resolver.targetCount; t++) resolveTargets.push([resolver, t]);
    resolver.start();
  }
}

/** Each outlier detector's interval timer, first firing one interval into the run. */
export function startOutlierTimers(kernel: Kernel, clusters: readonly Cluster[]): void {
  const outlierTick = kernel.defineEvent((i) => {
    const detector = clusters[i]!.outlier!;
    detector.onIntervalTimer();
    kernel.scheduleIn(detector.config.intervalMs, outlierTick, i);
  });
  clusters.forEach((c, i) => {
    if (c.outlier !== null) kernel.schedule(c.outlier.config.intervalMs, outlierTick, i);
  });
}
