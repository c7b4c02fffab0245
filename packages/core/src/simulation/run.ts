import type { RunPlan } from '../config/plan/run-plan.js';
import { Kernel } from '../kernel/kernel.js';
import { RandomStreams } from '../kernel/random-streams.js';
import { ClientObserver } from '../observe/client-observer.js';
import type { Report } from '../observe/report.js';
import { meshsimVersion, REPORT_SCHEMA_VERSION } from '../observe/report-version.js';
import { TraceRecorder } from '../observe/trace.js';
import { SyntheticDns } from '../world/synthetic-dns.js';
import { ClosedLoopClients } from './closed-loop-clients.js';
import { clusterReports } from './cluster-reports.js';
import { buildClusters, startDnsResolution, startOutlierTimers } from './clusters.js';
import { EndpointServers } from './endpoint-servers.js';
import { sampleOccupancy } from './occupancy-sampler.js';
import type { RunHooks } from './run-hooks.js';
import { buildSidecar, closeConnectionsTo, inFlight } from './sidecar.js';
import { TrafficDriver } from './traffic-driver.js';
import { scheduleTimeline } from './world-timeline.js';

export type { RunHooks, RunProgress } from './run-hooks.js';

/**
 * Runs a validated plan: wires kernel, world, clusters and router together, plays the traffic for
 * `durationMs`, waits up to `drainMs` for requests in flight, and builds the report.
 *
 * The steps run in this order on purpose: each defines its kernel events and schedules its first ones,
 * and the order of scheduling breaks ties between events due at the same time.
 */
export function runPlan(plan: RunPlan, hooks: RunHooks = {}): Report {
  const kernel = new Kernel({ maxEvents: plan.maxEvents });
  const streams = new RandomStreams(plan.seed);
  const client = new ClientObserver(plan.timelineBucketMs);
  const trace = hooks.trace === undefined ? null : new TraceRecorder(kernel, hooks.trace);

  const endpoints = new EndpointServers(kernel, plan, streams);
  const upstream = buildClusters(kernel, plan, streams, endpoints, client, trace);
  const { clusters } = upstream;
  const dns = new SyntheticDns(plan.dns);
  startDnsResolution(kernel, streams, clusters, dns);
  startOutlierTimers(kernel, clusters);
  const clients = new ClosedLoopClients(kernel, plan);
  const sidecar = buildSidecar(kernel, plan, streams, upstream, dns, client, trace, clients.onAnswered);
  endpoints.closeConnectionsTo = (server) => closeConnectionsTo(sidecar, upstream, server);
  const traffic = new TrafficDriver(kernel, plan, streams, sidecar, clients);
  traffic.start();
  const phases = scheduleTimeline(kernel, plan, endpoints, dns, traffic);
  sampleOccupancy(kernel, plan, clusters, client, hooks.onProgress);

  kernel.runUntil(plan.durationMs);
  if (inFlight(sidecar) > 0) kernel.drain(plan.durationMs + plan.drainMs, () => inFlight(sidecar) === 0);
  client.timeline.finish(plan.durationMs);

  const perCluster = clusterReports(clusters, kernel.nowMs);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    meshsimVersion: meshsimVersion(),
    scenario: plan.scenario,
    seed: plan.seed,
    durationMs: plan.durationMs,
    client: client.report(),
    clusters: perCluster,
    timeline: client.timeline.points,
    timelineBucketMs: plan.timelineBucketMs,
    unfinished: inFlight(sidecar),
    phases,
    warnings: plan.warnings,
  };
}
