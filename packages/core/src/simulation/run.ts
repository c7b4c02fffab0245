import type { RunPlan } from '../config/plan/run-plan.js';
import type { EventHandle } from '../kernel/event-queue.js';
import { Kernel } from '../kernel/kernel.js';
import { RandomStreams } from '../kernel/random-streams.js';
import { RecyclingTable } from '../kernel/recycling-table.js';
import { ClientObserver } from '../observe/client-observer.js';
import type { ClusterReport, Report } from '../observe/report.js';
import { type TraceListener, TraceRecorder } from '../observe/trace.js';
import { Router } from '../router/router.js';
import { TcpProxy } from '../router/tcp-proxy.js';
import { Cluster } from '../upstream/cluster.js';
import { Connection, ConnectionState, PoolFailureReason } from '../upstream/connection.js';
import { DnsClusterResolver } from '../upstream/dns-resolver.js';
import type { Host } from '../upstream/host.js';
import type { PoolContext } from '../upstream/pool-context.js';
import { defaultBehaviour, type FlapPlan, patchBehaviour } from '../world/endpoint-patch.js';
import { type EndpointBehaviour, EndpointServer } from '../world/endpoint-server.js';
import { SyntheticDns } from '../world/synthetic-dns.js';
import { OpenLoopSource } from '../world/traffic-source.js';
import { requestShapes } from './request-shapes.js';

/** How far a run has got, at the end of each timeline bucket of the traffic phase. */
export interface RunProgress {
  simulatedMs: number;
  durationMs: number;
  /** Client requests answered so far. */
  requests: number;
}

/** Observers of a run from outside the simulation; they never change what it computes. */
export interface RunHooks {
  onProgress?: (progress: RunProgress) => void;
  /**
   * Receives the run's event trace as it happens: requests, responses, attempts (with the host's
   * priority in panic or not), ejections and connections. Off by default; the report is the same.
   */
  trace?: TraceListener;
}

/**
 * Runs a validated plan: wires kernel, world, clusters and router together, plays the traffic for
 * `durationMs`, waits up to `drainMs` for requests in flight, and builds the report.
 */
export function runPlan(plan: RunPlan, hooks: RunHooks = {}): Report {
  const kernel = new Kernel({ maxEvents: plan.maxEvents });
  const streams = new RandomStreams(plan.seed);
  const client = new ClientObserver(plan.timelineBucketMs);
  const trace = hooks.trace === undefined ? null : new TraceRecorder(kernel, hooks.trace);

  const servers = new Map<string, EndpointServer>();
  const serverFor = (address: string): EndpointServer => {
    let server = servers.get(address);
    if (server === undefined) {
      server = new EndpointServer(address, plan.endpointFor(address), streams.get(`endpoint/${address}`));
      servers.set(address, server);
      const flap = plan.flapFor(address);
      // A server made just now has no connections yet: nothing to close.
      if (flap !== null) server.apply(flapBehaviour(startFlapping(server, flap, server.behaviour, 0)));
    }
    return server;
  };

  // Flapping endpoints: the cycle lays `down` over the endpoint's own behaviour, which the timeline
  // may change meanwhile. Created lazily with their server, so each starts where its cycle is now.
  interface Flapping {
    server: EndpointServer;
    flap: FlapPlan;
    up: EndpointBehaviour;
    down: boolean;
    timer: EventHandle;
    /** Its place in `flaps`, which its events carry. */
    index: number;
  }
  const flaps: Flapping[] = [];
  const flapping = new Map<EndpointServer, Flapping>();
  const flapBehaviour = (f: Flapping): EndpointBehaviour =>
    f.down ? patchBehaviour(f.up, f.flap.down) : f.up;
  const flapEvent = kernel.defineEvent((i) => {
    const f = flaps[i]!;
    f.down = !f.down;
    changeBehaviour(f.server, flapBehaviour(f));
    f.timer = kernel.scheduleIn(f.down ? f.flap.periodMs - f.flap.upMs : f.flap.upMs, flapEvent, i);
  });
  /**
   * Starts (or restarts) `server`'s cycle over `up`, at `offsetMs` into it when the clock read
   * `originMs` (0 for the Scenario's endpoints, the change's time for the timeline's).
   */
  function startFlapping(
    server: EndpointServer,
    flap: FlapPlan,
    up: EndpointBehaviour,
    originMs: number,
  ): Flapping {
    const position =
      (((kernel.nowMs - originMs + flap.offsetMs) % flap.periodMs) + flap.periodMs) % flap.periodMs;
    let f = flapping.get(server);
    if (f === undefined) {
      f = { server, flap, up, down: false, timer: -1, index: flaps.length };
      flaps.push(f);
      flapping.set(server, f);
    }
    kernel.cancel(f.timer);
    f.flap = flap;
    f.up = up;
    f.down = position >= flap.upMs;
    f.timer = -1;
    // duty 0 or 1: never changes.
    if (flap.upMs > 0 && flap.upMs < flap.periodMs) {
      const inMs = f.down ? flap.periodMs - position : flap.upMs - position;
      f.timer = kernel.scheduleIn(inMs, flapEvent, f.index);
    }
    return f;
  }
  const stopFlapping = (f: Flapping) => {
    kernel.cancel(f.timer);
    f.timer = -1;
    flapping.delete(f.server);
  };

  const connections = new RecyclingTable((id) => new Connection(id));
  const connectionEvent = (handle: (conn: Connection) => void) =>
    kernel.defineEvent((id) => handle(connections.get(id)));
  // The router is created after the clusters, so the pools reach it through this late-bound context.
  const context: { -readonly [K in keyof PoolContext]: PoolContext[K] } = {
    kernel,
    connections,
    connectDoneEvent: connectionEvent((c) => c.pool!.onConnected(c)),
    connectRefusedEvent: connectionEvent((c) =>
      c.pool!.onConnectFailed(c, PoolFailureReason.RemoteConnectionFailure),
    ),
    connectTimeoutEvent: connectionEvent((c) => c.pool!.onConnectFailed(c, PoolFailureReason.Timeout)),
    idleCheckEvent: connectionEvent((c) => c.pool!.onIdleCheck(c)),
    maxDurationEvent: connectionEvent((c) => c.pool!.onMaxDuration(c)),
    callbacks: { onPoolReady: () => {}, onPoolFailure: () => {}, isWaiting: () => false },
    trace,
    tcpCallbacks: { onPoolReady: () => {}, onPoolFailure: () => {}, isWaiting: () => false },
  };
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
    clusters.push(
      new Cluster(m, plan.workers, streams, { serverFor }, context, detectorHost, client.timeline),
    );
  }
  // DNS clusters warm on their first resolution at t = 0; each resolve target then refreshes on its own.
  const dns = new SyntheticDns(plan.dns);
  const resolveTargets: Array<[DnsClusterResolver, number]> = [];
  const dnsRefresh = kernel.defineEvent((id) => {
    const [resolver, target] = resolveTargets[id]!;
    resolver.resolve(target);
  });
  for (const cluster of clusters) {
    if (cluster.model.type === 'EDS') continue;
    const jitter = streams.get(`dns/${cluster.name}`);
    const resolver = new DnsClusterResolver(cluster, dns, kernel, jitter, dnsRefresh, resolveTargets.length);
    for (let t = 0; t < resolver.targetCount; t++) resolveTargets.push([resolver, t]);
    resolver.start();
  }
  const outlierTick = kernel.defineEvent((i) => {
    const detector = clusters[i]!.outlier!;
    detector.onIntervalTimer();
    kernel.scheduleIn(detector.config.intervalMs, outlierTick, i);
  });
  clusters.forEach((c, i) => {
    if (c.outlier !== null) kernel.schedule(c.outlier.config.intervalMs, outlierTick, i);
  });
  // Closed-loop clients send again once answered, after their think time. The timeline may change how
  // many there are (`wanted`; `running` counts those alive) and their think time.
  let clientSend = -1;
  const wanted = plan.traffic.map((t) => t.clients);
  const running = plan.traffic.map((t) => t.clients);
  const thinkTimeMs = plan.traffic.map((t) => t.thinkTimeMs);
  const onAnswered = (source: number) => {
    if (source < 0 || running[source] === 0) return;
    const next = kernel.nowMs + thinkTimeMs[source]!;
    if (next < plan.durationMs) kernel.schedule(next, clientSend, source);
  };
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
  const routeIsTcp = plan.model.routes.map((r) => r.tcp === true);
  // A source's request shapes: one draw per request from its own stream when there are several.
  const mixRngs = plan.traffic.map((_, i) => streams.get(`traffic/${i}/mix`));
  const shapes = requestShapes(plan.traffic, plan.model.routes);
  const mixTotals = shapes.map((mix) => mix.reduce((s, m) => s + m.weight, 0));
  const send = (i: number) => {
    const mix = shapes[i]!;
    let m = mix[0]!;
    if (mix.length > 1) {
      let draw = mixRngs[i]!() * mixTotals[i]!;
      for (const entry of mix) {
        m = entry;
        if (draw < entry.weight) break;
        draw -= entry.weight;
      }
    }
    if (routeIsTcp[m.route]) tcpProxy.startRequest(m.route, m.hash, i);
    else router.startRequest(m.route, m.hash, i);
  };
  clientSend = kernel.defineEvent((i) => {
    // A client over the wanted count retires at the end of its think time.
    if (running[i]! > wanted[i]!) {
      running[i]!--;
      return;
    }
    send(i);
  });

  const sources = plan.traffic.map((t, i) =>
    t.rps > 0
      ? new OpenLoopSource(
          i,
          t.target,
          t.rps,
          t.shape,
          streams.get(`traffic/${i}`),
          t.arrivals === 'constant',
        )
      : null,
  );
  const arrivalEvent = kernel.defineEvent((i) => {
    send(i);
    scheduleArrival(i);
  });
  const scheduleArrival = (i: number) => {
    const source = sources[i]!;
    source.nextArrival = -1;
    const next = source.nextArrivalAfter(kernel.nowMs);
    if (next < plan.durationMs) source.nextArrival = kernel.schedule(next, arrivalEvent, i);
  };
  plan.traffic.forEach((t, i) => {
    if (sources[i] !== null) scheduleArrival(i);
    // Every client of a closed loop sends its first request at t = 0, all at once.
    for (let c = 0; c < t.clients; c++) kernel.schedule(0, clientSend, i);
  });

  const closeConnectionsTo = (server: EndpointServer) => {
    for (const conn of connections.all()) {
      if (conn.server !== server || conn.pool === null) continue;
      if (conn.activeStreams > 0) (conn.pool.isTcp ? tcpProxy : router).resetConnection(conn);
      else if (conn.state === ConnectionState.Ready) conn.pool.closeIdle(conn);
    }
  };
  /** A server that now refuses connections has gone away: its open connections are reset, idle ones
   * close and requests on the wire fail with 503 UC (a black hole keeps them hanging). */
  const changeBehaviour = (server: EndpointServer, behaviour: EndpointBehaviour) => {
    server.apply(behaviour);
    if (server.connectOutcome === 'refuse') closeConnectionsTo(server);
  };
  // The timeline: each change applied at its time, in order.
  const phases: Array<{ atMs: number; label: string }> = [];
  const timelineEvent = kernel.defineEvent((i) => {
    const action = plan.timeline[i]!;
    if (action.phase !== null) phases.push({ atMs: action.atMs, label: action.phase });
    if (action.kind === 'endpoints') {
      for (const address of action.addresses) {
        const server = serverFor(address);
        const f = flapping.get(server);
        const own = f === undefined ? server.behaviour : f.up;
        const base = action.replace ? defaultBehaviour(own.latency, plan.networkRttMs) : own;
        const up = patchBehaviour(base, action.patch);
        const flap = action.patch.flap;
        if (flap !== undefined && f !== undefined) stopFlapping(f);
        if (flap !== undefined && flap !== null) {
          // A flap set on the timeline starts its cycle now, `offset` into it.
          changeBehaviour(server, flapBehaviour(startFlapping(server, flap, up, kernel.nowMs)));
        } else if (flap === undefined && f !== undefined) {
          // The cycle goes on over the changed behaviour.
          f.up = up;
          changeBehaviour(server, flapBehaviour(f));
        } else {
          changeBehaviour(server, up);
        }
      }
    } else if (action.kind === 'dns') {
      dns.patch(action.name, action);
    } else if (action.kind === 'traffic') {
      const i = action.index;
      if (action.thinkTimeMs !== undefined) thinkTimeMs[i] = action.thinkTimeMs;
      if (action.clients !== undefined) {
        wanted[i] = action.clients;
        // New clients send at once; those due to retire and not yet gone are simply kept.
        for (let c = running[i]!; c < action.clients; c++) kernel.schedule(kernel.nowMs, clientSend, i);
        running[i] = Math.max(running[i]!, action.clients);
      }
      const source = sources[i];
      if (source === null || source === undefined) return;
      kernel.cancel(source.nextArrival);
      source.change(action, kernel.nowMs);
      // Poisson arrivals are memoryless: the next one is drawn afresh under the new rate.
      scheduleArrival(i);
    }
  });
  plan.timeline.forEach((a, i) => {
    if (a.atMs < plan.durationMs) kernel.schedule(a.atMs, timelineEvent, i);
  });

  // Pool occupancy is sampled at the end of each timeline bucket of the traffic phase. The sampler only
  // reads gauges and draws nothing, so the other events fire exactly as without it.
  const bucketMs = plan.timelineBucketMs;
  const onProgress = hooks.onProgress;
  const sampleEvent = kernel.defineEvent((bucket) => {
    let rqActive = 0;
    let rqPending = 0;
    let cxActive = 0;
    for (const c of clusters) {
      rqActive += c.resources.requests;
      rqPending += c.resources.pendingRequests;
      cxActive += c.resources.connections;
    }
    client.timeline.sampleOccupancy(kernel.nowMs, rqActive, rqPending, cxActive);
    onProgress?.({ simulatedMs: kernel.nowMs, durationMs: plan.durationMs, requests: client.total });
    if (kernel.nowMs < plan.durationMs) {
      kernel.schedule(Math.min((bucket + 1) * bucketMs, plan.durationMs), sampleEvent, bucket + 1);
    }
  });
  kernel.schedule(Math.min(bucketMs, plan.durationMs), sampleEvent, 1);

  kernel.runUntil(plan.durationMs);
  const inFlight = () => router.inFlight + tcpProxy.inFlight;
  if (inFlight() > 0) kernel.drain(plan.durationMs + plan.drainMs, () => inFlight() === 0);
  client.timeline.finish(plan.durationMs);

  const endMs = kernel.nowMs;
  const clusterReports: Record<string, ClusterReport> = {};
  for (const cluster of clusters) {
    const outlier = cluster.outlier;
    const tcp = cluster.model.tcpProxy !== null;
    clusterReports[cluster.name] = {
      ...(tcp ? { proxy: 'tcp' as const } : {}),
      stats: sortByName({
        ...cluster.stats.snapshot(),
        ...(outlier?.stats() ?? {}),
        membership_total: cluster.memberCount,
        membership_healthy: cluster.healthyMemberCount,
        // Envoy's gauges as a stats dump at the end would read them (the timeline has them over time).
        upstream_cx_active: cluster.resources.connections,
        upstream_rq_active: cluster.resources.requests,
        upstream_rq_pending_active: cluster.resources.pendingRequests,
      }),
      hosts: cluster.hosts.map((h) => ({
        address: h.hostPort,
        locality: h.locality,
        priority: h.priority,
        rqTotal: h.rqTotal,
        rqError: h.rqError,
        ...(tcp ? { appRequests: h.appRequests, appErrors: h.appErrors } : {}),
        ejections: outlier?.monitors[h.index]?.numEjections ?? 0,
        ejectedMs: outlier?.ejectedMsOf(h, endMs) ?? 0,
        ...(h.removed ? { removed: true } : {}),
        ...(h.requestsByAddress !== null
          ? { requestsByAddress: Object.fromEntries(h.requestsByAddress) }
          : {}),
      })),
      ejections: outlier?.ejections ?? [],
    };
    const breakers = cluster.breakers.report(endMs);
    if (Object.keys(breakers).length > 0) clusterReports[cluster.name]!.circuitBreakers = breakers;
  }
  return {
    scenario: plan.scenario,
    seed: plan.seed,
    durationMs: plan.durationMs,
    client: client.report(),
    clusters: clusterReports,
    timeline: client.timeline.points,
    timelineBucketMs: bucketMs,
    unfinished: inFlight(),
    phases,
    warnings: plan.warnings,
  };
}

function sortByName(stats: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
