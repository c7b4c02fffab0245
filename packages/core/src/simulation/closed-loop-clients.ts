import type { RunPlan } from '../config/plan/run-plan.js';
import type { ClosedLoopChange } from '../config/plan/timeline-plan.js';
import type { Kernel } from '../kernel/kernel.js';

/**
 * The closed loops' clients: each sends again once answered, after its think time. The timeline may
 * change how many there are (`wanted`; `running` counts those alive) and their think time.
 */
export class ClosedLoopClients {
  private readonly wanted: number[];
  private readonly running: number[];
  private readonly thinkTimeMs: number[];
  private readonly durationMs: number;
  /** The event of a client's next request; defined by the traffic driver, after the proxies'. */
  sendEvent = -1;

  constructor(
    private readonly kernel: Kernel,
    plan: RunPlan,
  ) {
    this.wanted = plan.traffic.map((t) => t.clients);
    this.running = plan.traffic.map((t) => t.clients);
    this.thinkTimeMs = plan.traffic.map((t) => t.thinkTimeMs);
    this.durationMs = plan.durationMs;
  }

  /** Told when a request from `source` got its answer: a closed-loop client thinks, then sends again. */
  readonly onAnswered = (source: number): void => {
    if (source < 0 || this.running[source] === 0) return;
    const next = this.kernel.nowMs + this.thinkTimeMs[source]!;
    if (next < this.durationMs) this.kernel.schedule(next, this.sendEvent, source);
  };

  /** Whether a client of `source` is over the wanted count when due to send: it retires instead. */
  retires(source: number): boolean {
    if (this.running[source]! <= this.wanted[source]!) return false;
    this.running[source]!--;
    return true;
  }

  /** Every client of `source` sends its first request at t = 0, all at once. */
  start(source: number): void {
    for (let c = 0; c < this.running[source]!; c++) this.kernel.schedule(0, this.sendEvent, source);
  }

  /** A timeline change to `source`'s clients or think time. */
  change(source: number, change: ClosedLoopChange): void {
    const kernel = this.kernel;
    if (change.thinkTimeMs !== undefined) this.thinkTimeMs[source] = change.thinkTimeMs;
    if (change.clients === undefined) return;
    this.wanted[source] = change.clients;
    // New clients send at once; those due to retire and not yet gone are simply kept.
    for (let c = this.running[source]!; c < change.clients; c++)
      kernel.schedule(kernel.nowMs, this.sendEvent, source);
    this.running[source] = Math.max(this.running[source]!, change.clients);
  }
}
