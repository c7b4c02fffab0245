import type { ClusterReport } from '../../observe/report.js';
import { type Check, pct, secs } from '../check-context.js';
import { playedText } from '../probe.js';

/** When the probe's name moves to new addresses, and the TTL Envoy re-resolves it by. */
const MOVE_MS = 1000;
const TTL_MS = 2000;
/** Traffic after the move, beyond the longest connection lifetime the config sets. */
const AFTER_MS = 10_000;
/** Longest connection lifetime probed: a finding past it would need a long probe. */
const MAX_PROBED_LIFETIME_MS = 10 * 60_000;

/** Requests that reached the old addresses, and all requests, from the cluster's report. */
function oldShare(cluster: ClusterReport, old: ReadonlySet<string>): { old: number; all: number } {
  let oldRequests = 0;
  let all = 0;
  const tcp = cluster.proxy === 'tcp';
  for (const h of cluster.hosts) {
    // DNS_ROUND_ROBIN: one host; its requests are kept by the address their connection reached.
    for (const [address, n] of Object.entries(h.requestsByAddress ?? {}))
      if (old.has(address)) oldRequests += n;
    const n = tcp ? (h.appRequests ?? 0) : h.rqTotal;
    all += n;
    if (h.requestsByAddress === undefined && old.has(h.address.slice(0, h.address.lastIndexOf(':'))))
      oldRequests += n;
  }
  return { old: oldRequests, all };
}

/**
 * MSH0010. When a DNS name moves, Envoy learns the new addresses at its next resolution, but a connection
 * already open stays where it was opened: a DNS_ROUND_ROBIN (LOGICAL_DNS) connection keeps its address,
 * and on a tcp-proxied port each application connection keeps its host (logical_dns_cluster.cc,
 * tcp_proxy.cc). Kept-alive traffic then follows DNS only as fast as connections end. The probe moves
 * the name at 1 s (TTL 2 s) under keep-alive clients.
 */
export const dnsChangeSticks: Check = (ctx) => {
  const { target } = ctx;
  const { model } = target;
  if (model.type !== 'STRICT_DNS' && model.type !== 'LOGICAL_DNS') return [];
  const names = Object.keys(target.dns);
  if (names.length === 0) return [];
  const lifetime = Math.max(model.maxConnectionDurationMs ?? 0, model.tcpProxy?.maxConnectionDurationMs ?? 0);
  if (lifetime > MAX_PROBED_LIFETIME_MS) return [];
  const old = new Set(names.flatMap((n) => target.dns[n]!.answers));
  const moved = (answers: string[]) => answers.map((a) => a.replace('198.51.100.', '203.0.113.'));
  const durationMs = MOVE_MS + lifetime + AFTER_MS;
  const setup = {
    name: 'the DNS name moving to new addresses',
    duration: `${durationMs / 1000}s`,
    dns: Object.fromEntries(names.map((n) => [n, { ...target.dns[n]!, ttl: `${TTL_MS}ms` }])),
    timeline: names.map((n) => ({
      at: `${MOVE_MS}ms`,
      dns: n,
      set: { answers: moved(target.dns[n]!.answers) },
    })),
    traffic: { clients: 4, thinkTime: '50ms' },
  };
  const { report } = ctx.probe(setup);
  const cluster = report.clusters[model.name];
  if (cluster === undefined) return [];
  const share = oldShare(cluster, old);
  // Had traffic followed DNS at the re-resolution, the old addresses would have had its first ~2 s.
  const expected = (MOVE_MS + TTL_MS) / durationMs;
  if (share.all === 0 || share.old / share.all < 2 * expected) return [];
  const figures = {
    movedAt: secs(MOVE_MS),
    ttl: secs(TTL_MS),
    clientRequests: share.all,
    requestsToOldAddresses: share.old,
    shareIfTrafficFollowedDns: pct(expected),
  };
  const how =
    model.type === 'LOGICAL_DNS'
      ? 'DNS_ROUND_ROBIN picks an address per connection, and the kept-alive connections stay on theirs'
      : 'the port is tcp-proxied, so each application connection keeps the host it was opened to';
  return [
    ctx.finding('MSH0010', 'ServiceEntry', target.se, ['spec', 'resolution'], {
      message: `traffic to ${target.host}:${target.port.number} does not follow a DNS change: ${how}. In the probe the name moved to new addresses at ${secs(MOVE_MS)} (TTL ${secs(TTL_MS)}), yet ${share.old} of ${share.all} requests (${pct(share.old / share.all)}) over ${secs(durationMs)} went to the old addresses, against ${figures.shareIfTrafficFollowedDns} had it moved at the re-resolution`,
      probe: {
        name: setup.name,
        played: playedText(
          setup,
          `${[...old].join(', ')} answer until 1 s, then ${moved([...old]).join(', ')}`,
        ),
        figures,
      },
      fix: 'bound how long a connection lives so traffic follows DNS: connectionPool.tcp.maxConnectionDuration (e.g. 5m) in the DestinationRule; on a tcp-proxied port the application must also recycle its own connections',
    }),
  ];
};
