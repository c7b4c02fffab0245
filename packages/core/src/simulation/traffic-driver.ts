import type { RunPlan } from '../config/plan/run-plan.js';
import type { TimelineAction } from '../config/plan/timeline-plan.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import type { Router } from '../router/router.js';
import type { TcpProxy } from '../router/tcp-proxy.js';
import { OpenLoopSource } from '../world/traffic-source.js';
import { AppConnections } from './app-connections.js';
import type { ClosedLoopClients } from './closed-loop-clients.js';
import { type RequestShape, requestShapes } from './request-shapes.js';
import type { Sidecar } from './sidecar.js';

/** A timeline change to one traffic source. */
export type TrafficChange = Extract<TimelineAction, { kind: 'traffic' }>;

/**
 * The Scenario's traffic into the sidecar: open-loop sources' arrivals and closed-loop clients'
 * requests, each of a shape drawn from its source's request mix, to the router or the tcp proxy.
 */
export class TrafficDriver {
  private readonly router: Router;
  private readonly tcpProxy: TcpProxy;
  private readonly routeIsTcp: boolean[];
  /** A source's request shapes: one draw per request from its own stream when there are several. */
  private readonly mixRngs: Rng[];
  private readonly shapes: RequestShape[][];
  private readonly mixTotals: number[];
  /** Open-loop sources by traffic index; null for a closed loop. */
  private readonly sources: Array<OpenLoopSource | null>;
  private readonly arrivalEvent: number;
  /** Per source, the kernel lane its arrivals wait in: each is scheduled after the one before. */
  private readonly arrivalLanes: number[];
  private readonly durationMs: number;
  private readonly maxInFlight: number;
  private readonly appConnections: AppConnections;

  constructor(
    private readonly kernel: Kernel,
    private readonly plan: RunPlan,
    streams: RandomStreams,
    sidecar: Sidecar,
    private readonly clients: ClosedLoopClients,
    /** Called when a request takes the requests in flight past `plan.maxRequestsInFlight`. */
    private readonly onOverInFlightLimit: () => void = () => {},
  ) {
    this.maxInFlight = plan.maxRequestsInFlight;
    this.router = sidecar.router;
    this.tcpProxy = sidecar.tcpProxy;
    this.durationMs = plan.durationMs;
    this.appConnections = new AppConnections(plan, streams);
    this.routeIsTcp = plan.model.routes.map((r) => r.tcp === true);
    this.mixRngs = plan.traffic.map((_, i) => streams.get(`traffic/${i}/mix`));
    this.shapes = requestShapes(plan.traffic, plan.model.routes);
    this.mixTotals = this.shapes.map((mix) => mix.reduce((s, m) => s + m.weight, 0));
    clients.sendEvent = kernel.defineEvent((i) => {
      // A client over the wanted count retires at the end of its think time.
      if (!clients.retires(i)) this.send(i);
    });
    this.sources = plan.traffic.map((t, i) =>
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
    this.arrivalLanes = plan.traffic.map(() => kernel.defineLane());
    this.arrivalEvent = kernel.defineEvent((i) => {
      this.send(i);
      this.scheduleArrival(i);
    });
  }

  /** Schedules each source's first arrival and every closed-loop client's first request. */
  start(): void {
    for (let i = 0; i < this.plan.traffic.length; i++) {
      if (this.sources[i] !== null) this.scheduleArrival(i);
      this.clients.start(i);
    }
  }

  /** A timeline change to a source's clients, rate or arrivals. */
  change(action: TrafficChange): void {
    const i = action.index;
    this.clients.change(i, action);
    const source = this.sources[i];
    if (source === null || source === undefined) return;
    this.kernel.cancel(source.nextArrival);
    source.change(action, this.kernel.nowMs);
    // Poisson arrivals are memoryless: the next one is drawn afresh under the new rate.
    this.scheduleArrival(i);
  }

  /** One request from source `i`, of a shape drawn from its mix. */
  private send(i: number): void {
    const mix = this.shapes[i]!;
    let m = mix[0]!;
    if (mix.length > 1) {
      let draw = this.mixRngs[i]!() * this.mixTotals[i]!;
      for (const entry of mix) {
        m = entry;
        if (draw < entry.weight) break;
        draw -= entry.weight;
      }
    }
    if (this.routeIsTcp[m.route]) this.tcpProxy.startRequest(m.route, m.hash, i);
    else this.router.startRequest(m.route, m.hash, i, this.appConnections.workerFor(i));
    if (this.router.inFlight + this.tcpProxy.inFlight > this.maxInFlight) this.onOverInFlightLimit();
  }

  private scheduleArrival(i: number): void {
    const source = this.sources[i]!;
    source.nextArrival = -1;
    const next = source.nextArrivalAfter(this.kernel.nowMs);
    if (next < this.durationMs)
      source.nextArrival = this.kernel.scheduleInLane(this.arrivalLanes[i]!, next, this.arrivalEvent, i);
  }
}
