import type { ClusterModel, EndpointModel } from '../config/envoy-model.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import { ClusterStats } from '../observe/cluster-stats.js';
import { ResourceManager } from './circuit-breakers.js';
import { ConnectionPool, type ConnectionSettings, type PoolContext } from './connection-pool.js';
import { Host, type ServerDirectory } from './host.js';
import { HostPickers } from './host-pickers.js';
import type { RequestHash } from './lb/uint64.js';
import { OutlierDetector, type OutlierDetectorHost } from './outlier-detector.js';
import { PrioritySet } from './priority-set.js';

/**
 * A running cluster: its hosts (every host it ever had, for the report) and current members by
 * priority, the cluster-wide resource manager and stats, the outlier detector, and per worker a pool per
 * host and the balancing state.
 */
export class Cluster {
  readonly stats = new ClusterStats();
  readonly resources: ResourceManager;
  readonly hosts: Host[] = [];
  private members: Host[] = [];
  readonly priorities: PrioritySet;
  readonly outlier: OutlierDetector | null;
  private readonly pickers: HostPickers;
  /** Per-worker streams for the priority draw. */
  private readonly priorityRngs: Rng[] = [];
  private readonly connectionSettings: ConnectionSettings;

  constructor(
    readonly model: ClusterModel,
    private readonly workers: number,
    streams: RandomStreams,
    private readonly directory: ServerDirectory,
    private readonly poolContext: PoolContext,
    detectorHost: OutlierDetectorHost,
  ) {
    this.resources = new ResourceManager(model.circuitBreakers);
    this.connectionSettings = {
      connectTimeoutMs: model.connectTimeoutMs,
      // Istio caps upstream TLS at 1.3: one round trip, full or resumed (E.3).
      tlsHandshakeRtts: model.tlsMode === 'DISABLE' ? 0 : 1,
      // common_http_protocol_options: nothing of it reaches a TCP pool.
      maxRequestsPerConnection: model.tcpProxy === null ? model.maxRequestsPerConnection : 0,
      // A TCP pool's connection lives as long as its session; the tcp_proxy times out idle sessions.
      idleTimeoutMs: model.tcpProxy === null ? model.idleTimeoutMs : 0,
      tcp: model.tcpProxy !== null,
    };
    if (model.type === 'EDS') for (const e of model.endpoints) this.members.push(this.newHost(e, false));
    if (model.type === 'LOGICAL_DNS') {
      const target = model.dnsTargets[0]!;
      this.members.push(this.newHost({ ...target, address: target.hostname, network: '' }, true));
    }
    const levels = Math.max(
      1,
      ...model.endpoints.map((e) => e.priority + 1),
      ...model.dnsTargets.map((t) => t.priority + 1),
    );
    this.priorities = new PrioritySet(this.members, model.healthyPanicThresholdPct, levels);
    this.pickers = new HostPickers(model, workers, levels * 2, streams);
    for (let w = 0; w < workers; w++) this.priorityRngs.push(streams.get(`lb/${model.name}/priority-${w}`));
    this.outlier =
      model.outlierDetection === null
        ? null
        : new OutlierDetector(
            model.outlierDetection,
            this.members,
            detectorHost,
            streams.get(`outlier/${model.name}`),
          );
  }

  get name(): string {
    return this.model.name;
  }

  get memberCount(): number {
    return this.members.length;
  }

  get healthyMemberCount(): number {
    return this.members.filter((h) => !h.ejected).length;
  }

  private newHost(e: EndpointModel, logical: boolean): Host {
    const host = new Host(
      this.hosts.length,
      e.address,
      e.port,
      e.locality,
      e.priority,
      e.weight,
      e.labels,
      this.directory,
      logical,
    );
    for (let w = 0; w < this.workers; w++) {
      host.pools.push(
        new ConnectionPool(host, w, this.resources, this.stats, this.poolContext, this.connectionSettings),
      );
    }
    this.hosts.push(host);
    return host;
  }

  /**
   * STRICT_DNS updateDynamicHostList: hosts whose address stays keep their state and connections; gone
   * ones drain (in-flight requests finish) and lose their outlier state; new ones start fresh.
   * Returns whether the membership changed.
   */
  setMembership(endpoints: readonly EndpointModel[]): boolean {
    const wanted = new Map(endpoints.map((e) => [e.address, e]));
    const kept = this.members.filter((h) => wanted.has(h.address));
    const gone = this.members.filter((h) => !wanted.has(h.address));
    const known = new Set(kept.map((h) => h.address));
    const added = endpoints.filter((e) => !known.has(e.address)).map((e) => this.newHost(e, false));
    if (gone.length === 0 && added.length === 0) return false;
    for (const h of gone) {
      h.removed = true;
      this.outlier?.removeHost(h);
    }
    for (const h of added) this.outlier?.addHost(h);
    this.members = [...kept, ...added];
    this.priorities.setHosts(this.members);
    return true;
  }

  /**
   * ORIGINAL_DST (resolution NONE): the host is the address the application dialed, made on first use;
   * no balancing, so an ejection changes nothing for it.
   */
  originalDestination(address: string): Host {
    const known = this.members.find((h) => h.address === address);
    if (known !== undefined) return known;
    const host = this.newHost(
      { address, port: this.model.port, labels: {}, locality: '', weight: 1, network: '', priority: 0 },
      false,
    );
    this.members.push(host);
    this.outlier?.addHost(host);
    this.priorities.setHosts(this.members);
    return host;
  }

  /** LOGICAL_DNS: the one host's address list for new connections; existing ones keep theirs. */
  setLogicalAddresses(addresses: readonly string[]): void {
    this.members[0]!.logicalAddresses = addresses;
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
