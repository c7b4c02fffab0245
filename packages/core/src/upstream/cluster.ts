import type { ClusterModel } from '../config/envoy-model.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import { ClusterStats } from '../observe/cluster-stats.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import { ResourceManager } from './circuit-breakers.js';
import { ConnectionPool, type PoolContext } from './connection-pool.js';
import { Host } from './host.js';
import { LeastRequestLoadBalancer } from './least-request.js';
import type { LoadBalancer } from './load-balancer.js';
import { RandomLoadBalancer } from './random.js';
import { RoundRobinLoadBalancer } from './round-robin.js';

/** A running cluster: hosts, the cluster-wide resource manager and stats, one LB and pool per worker. */
export class Cluster {
  readonly stats = new ClusterStats();
  readonly resources: ResourceManager;
  readonly hosts: Host[];
  /** Thread-local load balancers, indexed by worker. */
  readonly loadBalancers: LoadBalancer[];

  constructor(
    readonly model: ClusterModel,
    workers: number,
    streams: RandomStreams,
    serverFor: (address: string) => EndpointServer,
    poolContext: PoolContext,
  ) {
    this.resources = new ResourceManager(model.circuitBreakers);
    this.hosts = model.endpoints.map((e, i) => {
      const server = serverFor(e.address);
      return new Host(i, e.address, e.port, e.locality, 0, e.weight, e.labels, server);
    });
    for (const host of this.hosts) {
      for (let w = 0; w < workers; w++) {
        host.pools.push(
          new ConnectionPool(host, w, this.resources, this.stats, poolContext, host.server.rttMs),
        );
      }
    }
    this.loadBalancers = [];
    for (let w = 0; w < workers; w++) {
      const rng = streams.get(`lb/${model.name}/worker-${w}`);
      this.loadBalancers.push(createLoadBalancer(model.lbPolicy, this.hosts, rng));
    }
  }

  get name(): string {
    return this.model.name;
  }
}

function createLoadBalancer(
  policy: ClusterModel['lbPolicy'],
  hosts: readonly Host[],
  rng: Rng,
): LoadBalancer {
  switch (policy) {
    case 'ROUND_ROBIN':
      return new RoundRobinLoadBalancer(hosts, rng);
    case 'RANDOM':
      return new RandomLoadBalancer(hosts, rng);
    case 'LEAST_REQUEST':
      return new LeastRequestLoadBalancer(hosts, rng);
    default:
      // Translation rejects the policies not modelled yet; reaching here is a bug.
      throw new Error(`load balancer ${policy} is not modelled`);
  }
}
