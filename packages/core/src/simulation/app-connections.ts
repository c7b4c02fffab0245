import type { RunPlan } from '../config/plan/run-plan.js';
import type { RandomStreams } from '../kernel/random-streams.js';

/**
 * The application's lasting connections to the sidecar, per traffic source (`connections`). Istio's
 * outbound listeners set no connection_balance_config unless the proxy asks for exact balance, so each
 * worker has its own SO_REUSEPORT socket and the kernel hashes a new connection to one of them: a uniform
 * draw per connection, fixed for its life. Requests take a source's connections in turn.
 */
export class AppConnections {
  /** Per source, the worker of each of its connections; null when it keeps none. */
  private readonly workers: Array<Int32Array | null>;
  private readonly next: Int32Array;

  constructor(plan: RunPlan, streams: RandomStreams) {
    this.workers = plan.traffic.map((t, i) => {
      if (t.connections <= 0) return null;
      const rng = streams.get(`traffic/${i}/connections`);
      const out = new Int32Array(t.connections);
      for (let c = 0; c < out.length; c++) out[c] = Math.floor(rng() * plan.workers);
      return out;
    });
    this.next = new Int32Array(plan.traffic.length);
  }

  /** The worker of the connection source `i`'s next request goes on; -1 when the source keeps none. */
  workerFor(i: number): number {
    const conns = this.workers[i];
    if (conns === null || conns === undefined) return -1;
    const c = this.next[i]!;
    this.next[i] = c + 1 === conns.length ? 0 : c + 1;
    return conns[c]!;
  }
}
