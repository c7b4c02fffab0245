import type { ClusterModel, EndpointModel } from '../envoy/cluster.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../kernel/random-streams.js';
import type { SyntheticDns } from '../world/synthetic-dns.js';
import type { Cluster } from './cluster.js';

/**
 * A DNS cluster's resolution (Envoy's strict_dns_cluster.cc and logical_dns_cluster.cc). STRICT_DNS: every target's every distinct answer is a host, and
 * the cluster is the union; LOGICAL_DNS: one target, whose answer becomes the logical host's address list.
 * Each target refreshes at its answer's TTL, else dns_refresh_rate, plus a uniform jitter; a failed query
 * keeps the hosts and retries after dns_refresh_rate; an empty STRICT_DNS answer leaves no host from that
 * target, while LOGICAL_DNS keeps its last address.
 */
export class DnsClusterResolver {
  private readonly answers: Array<readonly string[]>;
  private readonly model: ClusterModel;

  constructor(
    private readonly cluster: Cluster,
    private readonly dns: SyntheticDns,
    private readonly kernel: Kernel,
    private readonly jitterRng: Rng,
    private readonly refreshEvent: number,
    /** The kernel target of this cluster's first resolve target; the others follow. */
    private readonly firstTargetId: number,
  ) {
    this.model = cluster.model;
    this.answers = this.model.dnsTargets.map(() => []);
  }

  get targetCount(): number {
    return this.model.dnsTargets.length;
  }

  /** The cluster warms on its first resolution, before any request is routed. */
  start(): void {
    for (let i = 0; i < this.targetCount; i++) this.resolve(i);
  }

  /** A target's refresh timer fired. */
  resolve(target: number): void {
    const stats = this.cluster.stats;
    const model = this.model;
    stats.update_attempt++;
    const answer = this.dns.query(model.dnsTargets[target]!.hostname);
    let nextMs = model.dnsRefreshRateMs;
    if (!answer.ok) {
      // The hosts stay as they were; a timed-out query also costs its wait before the next try.
      stats.update_failure++;
      nextMs += answer.afterMs;
    } else {
      stats.update_success++;
      if (answer.addresses.length === 0) stats.update_empty++;
      if (model.respectDnsTtl !== false && answer.ttlMs !== null && answer.ttlMs > 0) nextMs = answer.ttlMs;
      if (model.type === 'LOGICAL_DNS') {
        if (answer.addresses.length > 0) this.cluster.setLogicalAddresses(answer.addresses);
      } else {
        this.answers[target] = [...new Set(answer.addresses)];
        if (this.cluster.setMembership(this.endpoints())) stats.membership_change++;
      }
    }
    const jitter = Math.floor(this.jitterRng() * model.dnsJitterMs);
    this.kernel.scheduleIn(nextMs + jitter, this.refreshEvent, this.firstTargetId + target);
  }

  /** The union of every target's answers, each address with its target's locality, weight and labels. */
  private endpoints(): EndpointModel[] {
    const out: EndpointModel[] = [];
    const seen = new Set<string>();
    this.model.dnsTargets.forEach((t, i) => {
      for (const address of this.answers[i]!) {
        if (seen.has(address)) continue;
        seen.add(address);
        out.push({
          address,
          port: t.port,
          labels: t.labels,
          locality: t.locality,
          weight: t.weight,
          network: '',
          priority: t.priority,
        });
      }
    });
    return out;
  }
}
