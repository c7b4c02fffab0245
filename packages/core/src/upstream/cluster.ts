import { type CertVerdict, verifyServerCertificate } from '../envoy/certificate-verification.js';
import { type ClusterModel, type EndpointModel, hasListedEndpoints } from '../envoy/cluster.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStreams, Rng } from '../kernel/random-streams.js';
import { type BreakerTimeline, CircuitBreakerTracker } from '../observe/circuit-breaker-tracker.js';
import { ClusterStats } from '../observe/cluster-stats.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import { ResourceManager } from './circuit-breakers.js';
import { ConnectionPool } from './connection-pool.js';
import { Host, type ServerDirectory } from './host.js';
import { HostPickers } from './host-pickers.js';
import { Http2Keepalive } from './http2-keepalive.js';
import { LocalityWrr } from './lb/locality-wrr.js';
import { type RequestHash, randomUint32 } from './lb/uint64.js';
import { OutlierDetector, type OutlierDetectorHost } from './outlier-detector.js';
import type { ConnectionSettings, PoolContext } from './pool-context.js';
import { PrioritySet } from './priority-set.js';
import { TlsSessionCache } from './tls-session-cache.js';

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
  /** Per worker × priority: the locality EDF under locality-weighted balancing, and its version. */
  private readonly localityWrrs: LocalityWrr[] = [];
  private readonly localityVersions: Float64Array;
  /** Per-worker streams for each locality EDF's starting point. */
  private readonly localityRngs: Rng[] = [];
  private readonly connectionSettings: ConnectionSettings;
  /** The TLS client context's session cache, shared by every worker's pools. */
  private readonly tlsSessions: TlsSessionCache;
  /** How long each circuit_breakers.default.*_open gauge was 1. */
  readonly breakers: CircuitBreakerTracker;

  constructor(
    readonly model: ClusterModel,
    private readonly workers: number,
    streams: RandomStreams,
    private readonly directory: ServerDirectory,
    private readonly poolContext: PoolContext,
    detectorHost: OutlierDetectorHost,
    breakerTimeline: BreakerTimeline | null = null,
  ) {
    this.resources = new ResourceManager(model.circuitBreakers);
    this.tlsSessions = new TlsSessionCache(model.tls?.maxVersion ?? '1.3');
    this.breakers = new CircuitBreakerTracker(poolContext.kernel, breakerTimeline);
    this.resources.observer = this.breakers;
    const protocol = model.upstreamProtocol;
    this.connectionSettings = {
      cluster: model.name,
      connectTimeoutMs: model.connectTimeoutMs,
      originatesTls: model.tlsMode !== 'DISABLE',
      verifyCertificate: certificateCheck(model, poolContext.kernel),
      tcpKeepalive: model.tcpKeepalive ?? null,
      ...(model.tcpProxy !== null
        ? // A TCP pool: a connection carries one session and lives as long as it (the tcp_proxy times out
          // idle sessions); nothing of common_http_protocol_options reaches it.
          {
            tcp: true,
            protocol: 'HTTP/1.1' as const,
            maxConcurrentStreams: 1,
            maxRequestsPerConnection: 0,
            idleTimeoutMs: 0,
            maxConnectionDurationMs: 0,
          }
        : {
            protocol: protocol?.protocol ?? 'HTTP/1.1',
            http2Keepalive: http2KeepaliveOf(model, poolContext, streams),
            maxConcurrentStreams: protocol?.maxConcurrentStreams ?? 1,
            maxRequestsPerConnection: model.maxRequestsPerConnection,
            idleTimeoutMs: model.idleTimeoutMs,
            maxConnectionDurationMs: model.maxConnectionDurationMs ?? 0,
          }),
    };
    if (hasListedEndpoints(model.type))
      for (const e of model.endpoints) this.members.push(this.newHost(e, false));
    if (model.type === 'LOGICAL_DNS') {
      const target = model.dnsTargets[0]!;
      this.members.push(this.newHost({ ...target, address: target.hostname, network: '' }, true));
    }
    const levels = Math.max(
      1,
      ...model.endpoints.map((e) => e.priority + 1),
      ...model.dnsTargets.map((t) => t.priority + 1),
    );
    this.priorities = new PrioritySet(
      this.members,
      model.healthyPanicThresholdPct,
      levels,
      model.localityWeights ?? null,
    );
    // Sources per priority: healthy, all (panic), then one per locality.
    const localityCount = this.priorities.localities?.count ?? 0;
    this.pickers = new HostPickers(model, workers, levels * (2 + localityCount), streams);
    for (let w = 0; w < workers; w++) this.priorityRngs.push(streams.get(`lb/${model.name}/priority-${w}`));
    if (this.priorities.localities !== null) {
      for (let w = 0; w < workers; w++) {
        this.localityRngs.push(streams.get(`lb/${model.name}/locality-${w}`));
        for (let p = 0; p < levels; p++) this.localityWrrs.push(new LocalityWrr());
      }
    }
    this.localityVersions = new Float64Array(this.localityWrrs.length).fill(-1);
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
        new ConnectionPool(
          host,
          w,
          this.resources,
          this.stats,
          this.poolContext,
          this.connectionSettings,
          this.tlsSessions,
        ),
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
   * Locality-weighted (hostSourceToUse): outside panic, a locality by its EDF and that locality's healthy
   * hosts; RING_HASH and MAGLEV instead build their table from locality-normalized weights.
   */
  chooseHost(worker: number, hash: RequestHash | null, nowMs: number): Host | null {
    const priorities = this.priorities;
    const p = priorities.priorityCount === 1 ? 0 : priorities.choosePriority(this.priorityRngs[worker]!);
    const panic = priorities.panic[p]!;
    const localities = priorities.localities;
    if (localities !== null && this.pickers.shared) {
      const picker = this.pickers.get(
        worker,
        p * 2 + panic,
        priorities.version,
        localities.hashHosts[p]!,
        nowMs,
        localities.hashWeights[p]!,
      );
      return picker.pick(hash, nowMs);
    }
    if (localities !== null && panic === 0) {
      const n = this.localityWrr(worker, p).choose();
      if (n >= 0) {
        const source = priorities.priorityCount * 2 + p * localities.count + n;
        const hosts = localities.healthy[p]![n]!;
        return this.pickers.get(worker, source, priorities.version, hosts, nowMs).pick(hash, nowMs);
      }
    }
    const source = p * 2 + panic;
    const picker = this.pickers.get(worker, source, priorities.version, priorities.usable[p]!, nowMs);
    return picker.pick(hash, nowMs);
  }

  /** The worker's locality EDF for priority `p`, rebuilt with a fresh starting point after a host-set update. */
  private localityWrr(worker: number, p: number): LocalityWrr {
    const priorities = this.priorities;
    const slot = worker * priorities.priorityCount + p;
    const wrr = this.localityWrrs[slot]!;
    if (this.localityVersions[slot] !== priorities.version) {
      const localities = priorities.localities!;
      wrr.refresh(localities.order[p]!, localities.effective[p]!, randomUint32(this.localityRngs[worker]!));
      this.localityVersions[slot] = priorities.version;
    }
    return wrr;
  }
}

/** The cluster's certificate validation at the time of each handshake; null without a TLS context. */
function certificateCheck(
  model: ClusterModel,
  kernel: Kernel,
): ((server: EndpointServer) => CertVerdict) | null {
  const tls = model.tls ?? null;
  if (tls === null || model.tlsMode === 'DISABLE') return null;
  // auto_sni/auto_san_validation take the request's Host: the service host the cluster serves.
  return (server) => verifyServerCertificate(tls, model.serviceHost, server.certificate, kernel.nowMs);
}

/**
 * The HTTP/2 codec's PING keepalive, when the pools speak HTTP/2 and the cluster sets connection_keepalive
 * with an interval (without one Envoy arms no PING timer); its jitter draws from the cluster's own stream.
 */
function http2KeepaliveOf(
  model: ClusterModel,
  context: PoolContext,
  streams: RandomStreams,
): Http2Keepalive | null {
  const protocol = model.upstreamProtocol;
  const keepalive = protocol?.connectionKeepalive;
  if (protocol?.protocol !== 'HTTP/2' || keepalive === undefined || keepalive.intervalMs <= 0) return null;
  if (context.pingEvent === undefined) throw new Error(`cluster ${model.name}: the pools have no PING event`);
  return new Http2Keepalive(
    keepalive,
    context.kernel,
    context.pingEvent,
    streams.get(`http2-keepalive/${model.name}`),
  );
}
