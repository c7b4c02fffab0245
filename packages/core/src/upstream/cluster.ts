import type { ClusterModel } from '../config/envoy-model.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import { ClusterStats } from '../observe/cluster-stats.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import { ResourceManager } from './circuit-breakers.js';
import { ConnectionPool, type PoolContext } from './connection-pool.js';
import { Host } from './host.js';
import { HostPickers } from './host-pickers.js';
import type { RequestHash } from './lb/uint64.js';
import { OutlierDetector, type OutlierDetectorHost } from './outlier-detector.js';
import { PrioritySet } from './priority-set.js';

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
  private readonly pickers: HostPickers;
  /** Per-worker streams for the priority draw. */
  private readonly priorityRngs: Rng[] = [];

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
    this.pickers = new HostPickers(model, workers, this.priorities.priorityCount * 2, streams);
    for (let w = 0; w < workers; w++) this.priorityRngs.push(streams.get(`lb/${model.name}/priority-${w}`));
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

  /**
   * ZoneAwareLoadBalancerBase::chooseHost: a priority by load, its usable hosts (healthy, or all in
   * panic), then the algorithm. `hash` is the request's consistent-hash value, or null.
   */
  chooseHost(worker: number, hash: RequestHash | null, nowMs: number): Host | null {
    const priorities = this.priorities;
    const p = priorities.priorityCount === 1 ? 0 : priorities.choosePriority(this.priorityRngs[worker]!);
    const source = p * 2 + priorities.panic[p]!;
    const picker = this.pickers.get(worker, source, priorities.version, priorities.usable[p]!, nowMs);
    return picker.pick(hash, nowMs);
  }
}
