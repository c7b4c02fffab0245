import type { EventHandle } from '../kernel/event-queue.js';
import type { Kernel } from '../kernel/kernel.js';
import { type FlapPlan, patchBehaviour } from '../world/endpoint-patch.js';
import type { EndpointBehaviour, EndpointServer } from '../world/endpoint-server.js';

/** A flapping endpoint: its cycle lays `down` over the endpoint's own behaviour `up`. */
export interface Flapping {
  server: EndpointServer;
  flap: FlapPlan;
  /** The endpoint's own behaviour, which the timeline may change meanwhile. */
  up: EndpointBehaviour;
  down: boolean;
  timer: EventHandle;
  /** Its place in the list of cycles, which its events carry. */
  index: number;
}

/** What a flapping endpoint does at this point of its cycle. */
export function flapBehaviour(f: Flapping): EndpointBehaviour {
  return f.down ? patchBehaviour(f.up, f.flap.down) : f.up;
}

/**
 * The run's flapping endpoints, each created lazily with its server so it starts where its cycle is
 * now. Every turn of a cycle goes to its server through `changeBehaviour`.
 */
export class FlappingEndpoints {
  private readonly flaps: Flapping[] = [];
  private readonly byServer = new Map<EndpointServer, Flapping>();
  private readonly turnEvent: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly changeBehaviour: (server: EndpointServer, behaviour: EndpointBehaviour) => void,
  ) {
    this.turnEvent = kernel.defineEvent((i) => this.turn(i));
  }

  /** `server`'s cycle while it flaps. */
  of(server: EndpointServer): Flapping | undefined {
    return this.byServer.get(server);
  }

  /**
   * Starts (or restarts) `server`'s cycle over `up`, at `offsetMs` into it when the clock read
   * `originMs` (0 for the Scenario's endpoints, the change's time for the timeline's).
   */
  start(server: EndpointServer, flap: FlapPlan, up: EndpointBehaviour, originMs: number): Flapping {
    const kernel = this.kernel;
    const position =
      (((kernel.nowMs - originMs + flap.offsetMs) % flap.periodMs) + flap.periodMs) % flap.periodMs;
    let f = this.byServer.get(server);
    if (f === undefined) {
      f = { server, flap, up, down: false, timer: -1, index: this.flaps.length };
      this.flaps.push(f);
      this.byServer.set(server, f);
    }
    kernel.cancel(f.timer);
    f.flap = flap;
    f.up = up;
    f.down = position >= flap.upMs;
    f.timer = -1;
    // duty 0 or 1: never changes.
    if (flap.upMs > 0 && flap.upMs < flap.periodMs) {
      const inMs = f.down ? flap.periodMs - position : flap.upMs - position;
      f.timer = kernel.scheduleIn(inMs, this.turnEvent, f.index);
    }
    return f;
  }

  stop(f: Flapping): void {
    this.kernel.cancel(f.timer);
    f.timer = -1;
    this.byServer.delete(f.server);
  }

  private turn(i: number): void {
    const f = this.flaps[i]!;
    f.down = !f.down;
    this.changeBehaviour(f.server, flapBehaviour(f));
    const inMs = f.down ? f.flap.periodMs - f.flap.upMs : f.flap.upMs;
    f.timer = this.kernel.scheduleIn(inMs, this.turnEvent, i);
  }
}
