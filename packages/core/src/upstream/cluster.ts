import type { ClusterModel } from '../config/envoy-model.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import { ClusterStats } from '../observe/cluster-stats.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import { ResourceManager } from './circuit-breakers.js';
import { ConnectionPool, type PoolContext } from './connection-pool.js';
import { Host } from './host.js';
import { LeastRequestLoadBalancer } from './least-request.js';
import type { LoadBalancer } from './load-balancer.js';
import { OutlierDetector, type OutlierDetectorHost } from './outlier-detector.js';
import { PrioritySet } from './priority-set.js';
import { RandomLoadBalancer } from './random.js';
import { RoundRobinLoadBalancer } from './round-robin.js';

/**
 * A running cluster: hosts by priority, the cluster-wide resource manager and stats, the outlier
 * detector, and one load balancer and pool per worker.
 */
export class Cluster {
  readonly stats = new ClusterStats();
  readonly resources: ResourceManager;
  readonly hosts: Host[];
  readonly priorities: PrioritySet;
  readonly outlier: OutlierDetector | null;
  /** Thread-local load balancers and their streams, indexed by worker. */
  private readonly loadBalancers: LoadBalancer[] = [];
  private readonly lbRngs: Rng[] = [];

  constructor(
    readonly model: ClusterModel,
    workers: number,
    streams: RandomStreams,
    serverFor: (address: string) => EndpointServer,
    poolContext: PoolContext,
    detectorHost: OutlierDetectorHost,
  ) {
    this.resources = new ResourceManager(model.circuitBreakers);
    this.hosts = model.endpoints.map((e, i) => {
      const server = serverFor(e.address);
      return new Host(i, e.address, e.port, e.locality, e.priority, e.weight, e.labels, server);
    });
    for (const host of this.hosts) {
      for (let w = 0; w < workers; w++) {
        host.pools.push(
          new ConnectionPool(host, w, this.resources, this.stats, poolContext, model.connectTimeoutMs),
        );
      }
    }
    this.priorities = new PrioritySet(this.hosts, model.healthyPanicThresholdPct);
    const sources = this.priorities.priorityCount * 2;
    for (let w = 0; w < workers; w++) {
      const rng = streams.get(`lb/${model.name}/worker-${w}`);
      this.lbRngs.push(rng);
      this.loadBalancers.push(createLoadBalancer(model.lbPolicy, sources, rng));
    }
    this.outlier =
      model.outlierDetection === null
        ? null
        : new OutlierDetector(
            model.outlierDetection,
            this.hosts,
            detectorHost,
            streams.get(`outlier/${model.name}`),
          );
  }

  get name(): string {
    return this.model.name;
  }

  /** ZoneAwareLoadBalancerBase::chooseHost: a priority by load, its usable hosts, then the algorithm. */
  chooseHost(worker: number): Host | null {
    const priorities = this.priorities;
    const p = priorities.priorityCount === 1 ? 0 : priorities.choosePriority(this.lbRngs[worker]!);
    return this.loadBalancers[worker]!.chooseHost(priorities.usable[p]!, p * 2 + priorities.panic[p]!);
  }
}

function createLoadBalancer(policy: ClusterModel['lbPolicy'], sources: number, rng: Rng): LoadBalancer {
  switch (policy) {
    case 'ROUND_ROBIN':
      return new RoundRobinLoadBalancer(sources, rng);
    case 'RANDOM':
      return new RandomLoadBalancer(rng);
    case 'LEAST_REQUEST':
      return new LeastRequestLoadBalancer(rng);
    default:
      // Translation rejects the policies not modelled yet; reaching here is a bug.
      throw new Error(`load balancer ${policy} is not modelled`);
  }
}
