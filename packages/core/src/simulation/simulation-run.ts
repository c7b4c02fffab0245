import { checkAdvanceLimit, checkRunHooks, checkRunPlan } from '../config/plan/plan-arguments.js';
import { eventBudgetMessage, inFlightLimitMessage } from '../config/plan/run-limits.js';
import type { RunPlan } from '../config/plan/run-plan.js';
import { EventBudgetExceeded, Kernel } from '../kernel/kernel.js';
import { RandomStreams } from '../kernel/random-streams.js';
import { ClientObserver } from '../observe/client-observer.js';
import type { PartialCause, PartialRun, Report } from '../observe/report.js';
import { meshsimVersion, REPORT_SCHEMA_VERSION } from '../observe/report-version.js';
import { TraceRecorder, traceEventsTo } from '../observe/trace.js';
import type { Cluster } from '../upstream/cluster.js';
import { SyntheticDns } from '../world/synthetic-dns.js';
import { ClosedLoopClients } from './closed-loop-clients.js';
import { clusterReports } from './cluster-reports.js';
import { buildClusters, startDnsResolution, startOutlierTimers } from './clusters.js';
import { EndpointServers } from './endpoint-servers.js';
import { sampleOccupancy } from './occupancy-sampler.js';
import type { RunHooks } from './run-hooks.js';
import { buildSidecar, closeConnectionsTo, inFlight, type Sidecar } from './sidecar.js';
import { TrafficDriver } from './traffic-driver.js';
import { scheduleTimeline } from './world-timeline.js';

/** Where a run is: playing the traffic, waiting for requests in flight, or over. */
type Stage = 'traffic' | 'drain' | 'over';

/** How far `advance` may go in one call: up to a simulated time, and at most so many events. */
export interface AdvanceLimit {
  untilMs?: number;
  events?: number;
}

/**
 * One run of a plan that can be played in slices: `advance` fires events up to a limit and returns,
 * so a caller can yield to its event loop (a signal, a progress line) between slices and `stop` the run
 * there. Slices never change the order of events: a run played in slices gives the same report, byte
 * for byte, as one played at once (`runPlan`).
 */
export class SimulationRun {
  private readonly kernel: Kernel;
  private readonly client: ClientObserver;
  private readonly clusters: Cluster[];
  private readonly sidecar: Sidecar;
  private readonly phases: Report['phases'];
  private stage: Stage = 'traffic';
  private partialRun: PartialRun | null = null;

  /**
   * Wires kernel, world, clusters and router together. The steps run in this order on purpose: each
   * defines its kernel events and schedules its first ones, and the order of scheduling breaks ties
   * between events due at the same time.
   */
  constructor(
    private readonly plan: RunPlan,
    hooks: RunHooks = {},
  ) {
    checkRunPlan('new SimulationRun(plan)', plan);
    checkRunHooks('new SimulationRun(plan, hooks)', hooks);
    const kernel = new Kernel({ maxEvents: plan.maxEvents });
    this.kernel = kernel;
    const streams = new RandomStreams(plan.seed);
    const client = new ClientObserver(plan.timelineBucketMs);
    this.client = client;
    const hook = hooks.trace;
    const trace =
      hook === undefined
        ? null
        : new TraceRecorder(kernel, typeof hook === 'function' ? traceEventsTo(hook) : hook);

    const endpoints = new EndpointServers(kernel, plan, streams);
    const upstream = buildClusters(kernel, plan, streams, endpoints, client, trace);
    this.clusters = upstream.clusters;
    const dns = new SyntheticDns(plan.dns);
    startDnsResolution(kernel, streams, this.clusters, dns);
    startOutlierTimers(kernel, this.clusters);
    const clients = new ClosedLoopClients(kernel, plan);
    const sidecar = buildSidecar(kernel, plan, streams, upstream, dns, client, trace, clients.onAnswered);
    this.sidecar = sidecar;
    endpoints.closeConnectionsTo = (server) => closeConnectionsTo(sidecar, upstream, server);
    const traffic = new TrafficDriver(kernel, plan, streams, sidecar, clients, () =>
      this.overInFlightLimit(),
    );
    traffic.start();
    this.phases = scheduleTimeline(kernel, plan, endpoints, dns, traffic);
    sampleOccupancy(kernel, plan, this.clusters, client, hooks.onProgress);
  }

  /** Whether the run is over: played to its end, stopped, or out of budget. */
  get done(): boolean {
    return this.stage === 'over';
  }

  /** Simulated time reached. */
  get nowMs(): number {
    return this.kernel.nowMs;
  }

  /** Events fired so far. */
  get events(): number {
    return this.kernel.eventsProcessed;
  }

  /**
   * Plays the run on until `limit` (simulated time, a count of events) or its end; returns whether
   * it is over. The traffic plays for `durationMs`, then the run waits up to `drainMs` for requests
   * still in flight.
   */
  advance(limit: AdvanceLimit = {}): boolean {
    checkAdvanceLimit('SimulationRun.advance(limit)', limit);
    const untilMs = limit.untilMs ?? Number.POSITIVE_INFINITY;
    const startEvents = this.kernel.eventsProcessed;
    const left = () =>
      (limit.events ?? Number.POSITIVE_INFINITY) - (this.kernel.eventsProcessed - startEvents);
    try {
      while (this.stage !== 'over' && left() > 0) {
        if (!(this.stage === 'traffic' ? this.playTraffic(untilMs, left()) : this.drain(untilMs, left())))
          break;
      }
    } catch (e) {
      if (!(e instanceof EventBudgetExceeded)) throw e;
      this.stopWith(
        'event-budget',
        eventBudgetMessage(this.plan, this.kernel.nowMs),
        this.plan.limitSources.eventsField,
      );
    }
    return this.stage === 'over';
  }

  /** Ends the run where it is: its report counts what happened until now, marked partial with `cause`. */
  stop(cause: PartialCause, message: string, field?: string): void {
    if (this.stage === 'over') return;
    this.stopWith(cause, message, field);
  }

  /** The report of the run so far; call it once the run is over. */
  report(): Report {
    const { plan, kernel, client } = this;
    // A run stopped early ends its timeline where it stopped.
    client.timeline.finish(
      this.partialRun === null ? plan.durationMs : Math.min(plan.durationMs, kernel.nowMs),
    );
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      meshsimVersion: meshsimVersion(),
      scenario: plan.scenario,
      seed: plan.seed,
      durationMs: plan.durationMs,
      client: client.report(),
      clusters: clusterReports(this.clusters, kernel.nowMs),
      timeline: client.timeline.points,
      timelineBucketMs: plan.timelineBucketMs,
      unfinished: inFlight(this.sidecar),
      phases: this.phases,
      warnings: plan.warnings,
    };
    if (this.partialRun !== null) report.partial = this.partialRun;
    return report;
  }

  /** The traffic phase up to `untilMs`; true when it is over and the run goes on to the drain. */
  private playTraffic(untilMs: number, events: number): boolean {
    const { kernel, plan } = this;
    kernel.drain(Math.min(untilMs, plan.durationMs), null, events);
    if (this.stage === 'over' || kernel.nextEventMs <= plan.durationMs) return false;
    kernel.runUntil(plan.durationMs);
    this.stage = inFlight(this.sidecar) > 0 ? 'drain' : 'over';
    return true;
  }

  /** Waits for requests in flight, up to `drainMs` after the traffic; true when the wait is over. */
  private drain(untilMs: number, events: number): boolean {
    const { kernel, plan, sidecar } = this;
    const endMs = plan.durationMs + plan.drainMs;
    kernel.drain(Math.min(untilMs, endMs), () => inFlight(sidecar) === 0, events);
    if (this.stage === 'over') return false;
    if (inFlight(sidecar) === 0 || kernel.nextEventMs > endMs) this.stage = 'over';
    return this.stage === 'over';
  }

  private stopWith(cause: PartialCause, message: string, field?: string): void {
    this.stage = 'over';
    this.kernel.halt();
    this.partialRun = { cause, message, atMs: this.kernel.nowMs, ...(field !== undefined ? { field } : {}) };
  }

  private overInFlightLimit(): void {
    const { plan, kernel } = this;
    const message = inFlightLimitMessage(plan, inFlight(this.sidecar), kernel.nowMs);
    this.stopWith('in-flight-limit', message, plan.limitSources.inFlightField);
  }
}
