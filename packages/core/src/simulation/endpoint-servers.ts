import type { RunPlan } from '../config/plan/run-plan.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import type { ServerDirectory } from '../upstream/host.js';
import { defaultBehaviour, type EndpointPatch, patchBehaviour } from '../world/endpoint-patch.js';
import { type EndpointBehaviour, EndpointServer } from '../world/endpoint-server.js';
import { FlappingEndpoints, flapBehaviour } from './flapping.js';

/**
 * The run's synthetic endpoints, one per address, each made when a host first needs it (a flapping one
 * starts where its cycle is now), and the changes of behaviour the flaps and the timeline bring.
 */
export class EndpointServers implements ServerDirectory {
  private readonly servers = new Map<string, EndpointServer>();
  private readonly flapping: FlappingEndpoints;
  /** Closes the connections to a server that went away; set once the proxies exist. */
  closeConnectionsTo: (server: EndpointServer) => void = () => {};

  constructor(
    kernel: Kernel,
    private readonly plan: RunPlan,
    private readonly streams: RandomStreams,
  ) {
    this.flapping = new FlappingEndpoints(kernel, (server, behaviour) =>
      this.changeBehaviour(server, behaviour),
    );
  }

  serverFor(address: string): EndpointServer {
    let server = this.servers.get(address);
    if (server === undefined) {
      const plan = this.plan;
      server = new EndpointServer(
        address,
        plan.endpointFor(address),
        this.streams.get(`endpoint/${address}`),
      );
      this.servers.set(address, server);
      const flap = plan.flapFor(address);
      // A server made just now has no connections yet: nothing to close.
      if (flap !== null) server.apply(flapBehaviour(this.flapping.start(server, flap, server.behaviour, 0)));
    }
    return server;
  }

  /** A server that now refuses connections has gone away: its open connections are reset, idle ones
   * close and requests on the wire fail with 503 UC (a black hole keeps them hanging). */
  changeBehaviour(server: EndpointServer, behaviour: EndpointBehaviour): void {
    server.apply(behaviour);
    if (server.connectOutcome === 'refuse') this.closeConnectionsTo(server);
  }

  /**
   * A timeline change to `address`: `patch` over its own behaviour (over the defaults when `replace`).
   * A flap in the patch restarts the cycle now (null stops it); without one, a cycle goes on over the
   * changed behaviour.
   */
  change(address: string, patch: EndpointPatch, replace: boolean, nowMs: number): void {
    const server = this.serverFor(address);
    const f = this.flapping.of(server);
    const own = f === undefined ? server.behaviour : f.up;
    // The certificate is not a timeline field: a `becomes` keeps it.
    const base = replace
      ? { ...defaultBehaviour(own.latency, this.plan.networkRttMs), certificate: own.certificate }
      : own;
    const up = patchBehaviour(base, patch);
    const flap = patch.flap;
    if (flap !== undefined && f !== undefined) this.flapping.stop(f);
    if (flap !== undefined && flap !== null) {
      // A flap set on the timeline starts its cycle now, `offset` into it.
      this.changeBehaviour(server, flapBehaviour(this.flapping.start(server, flap, up, nowMs)));
    } else if (flap === undefined && f !== undefined) {
      f.up = up;
      this.changeBehaviour(server, flapBehaviour(f));
    } else {
      this.changeBehaviour(server, up);
    }
  }
}
