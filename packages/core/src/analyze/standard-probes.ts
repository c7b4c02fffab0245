import type { ClusterReport } from '../observe/report.js';
import { hostMatches } from '../observe/report-figures.js';
import { failing, type ProbeSetup } from './probe.js';
import type { AnalyzeTarget } from './targets.js';

/** The probe most checks read: the cluster's first host fails everything Envoy can see fail, for 5 s. */
export function oneEndpointFailing(target: AnalyzeTarget): ProbeSetup {
  return {
    name: 'one endpoint failing',
    duration: '5s',
    endpoints: { [target.addresses[0]!]: failing(target) },
    trace: true,
  };
}

/** How the failing endpoint fails, in words. */
export function failingText(target: AnalyzeTarget): string {
  const how = target.model.tcpProxy === null ? 'answers 503 to every request' : 'refuses every connection';
  return `${target.addresses[0]} ${how}, the other endpoints answer in 40 ms (p99 200 ms)`;
}

/** The cluster's report in a probe, and the host(s) at `address`: their requests and failures. */
export function hostFigures(
  cluster: ClusterReport | undefined,
  address: string,
): { requests: number; failed: number } {
  // A DNS_ROUND_ROBIN cluster's one host is named for the service; its requests are kept by address.
  const hosts =
    cluster?.hosts.filter(
      (h) => hostMatches(h.address, address) || h.requestsByAddress?.[address] !== undefined,
    ) ?? [];
  const tcp = cluster?.proxy === 'tcp';
  return {
    requests: hosts.reduce((s, h) => s + (tcp ? (h.appRequests ?? 0) : h.rqTotal), 0),
    failed: hosts.reduce((s, h) => s + (tcp ? (h.appErrors ?? 0) : h.rqError), 0),
  };
}

/** A counter of the cluster in a probe (0 when absent). */
export const stat = (cluster: ClusterReport | undefined, name: string): number => cluster?.stats[name] ?? 0;

/** Every consecutive-failure detection, enforced or not. */
export function detections(cluster: ClusterReport | undefined): number {
  return ['consecutive_5xx', 'consecutive_gateway_failure', 'consecutive_local_origin_failure'].reduce(
    (s, kind) => s + stat(cluster, `outlier_detection.ejections_detected_${kind}`),
    0,
  );
}
