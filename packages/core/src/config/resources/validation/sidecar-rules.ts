import type { Sidecar } from '../schema/sidecar.js';
import { isDns1123Label, validatePartialWildcard, validatePort, validateWildcardDomain } from './hosts.js';
import type { RuleReport } from './report.js';

// istiod's ValidateSidecar (pkg/config/validation/validation.go), for what a sidecar's outbound view uses.

/** ValidateNamespaceSlashWildcardHostname for a Sidecar: `namespace/dnsName`, namespace `*`, `.` or a label, `~` to exclude. */
function egressHostProblems(host: string): string[] {
  const slash = host.indexOf('/');
  if (slash < 0) return ['host must be of form namespace/dnsName'];
  const [ns, name] = [host.slice(0, slash), host.slice(slash + 1)];
  const out: string[] = [];
  if (ns === '' || name === '') out.push('config namespace and dnsName in host entry cannot be empty');
  const bare = ns.replace(/^~/, '');
  if (bare !== '' && bare !== '*' && bare !== '.' && !isDns1123Label(bare))
    out.push(`invalid namespace value ${JSON.stringify(ns)} in sidecar`);
  if (name !== '*' && !name.includes('.')) out.push('short names (non FQDN) are not allowed');
  const domain = validateWildcardDomain(name);
  if (domain !== undefined) out.push(domain);
  const partial = validatePartialWildcard(name);
  if (partial !== undefined) out.push(partial);
  return out;
}

/** The egress listeners: one catch-all (no port) at most and last, unique ports, valid hosts, duplicates warned. */
function checkEgress(report: RuleReport, sidecar: Sidecar): void {
  const egress = sidecar.spec.egress ?? [];
  const ports = new Set<number>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    const at = report.at('spec', 'egress', i);
    if (listener.port === undefined) {
      if (catchAll) at.error([], 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1)
        at.error([], 'sidecar: the egress listener with empty port should be the last listener in the list');
      else catchAll = true;
    } else if (listener.port.number !== 0) {
      at.check(['port', 'number'], validatePort(listener.port.number));
      if (ports.has(listener.port.number))
        at.error(['port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
      ports.add(listener.port.number);
    }
    if (listener.hosts.length === 0)
      at.error(['hosts'], 'sidecar: egress listener must contain at least one host');
    const seen = new Map<string, Set<string>>();
    listener.hosts.forEach((host, j) => {
      for (const problem of egressHostProblems(host)) at.error(['hosts', j], problem);
      const [ns = '', name = ''] = host.split('/', 2);
      if (ns.startsWith('~')) return;
      const key = ns === '.' ? sidecar.metadata.namespace : ns;
      const names = seen.get(key) ?? new Set<string>();
      if ((name !== '*' && (names.has(name) || names.has('*'))) || (name === '*' && names.size > 0))
        at.warn(['hosts', j], `duplicated egress host: ${host}`);
      names.add(name);
      seen.set(key, names);
    });
    if (seen.get('*')?.has('*') && seen.size !== 1)
      at.warn(['hosts'], '`*/*` host select all resources, no other hosts can be added');
  });
}

export function checkSidecar(report: RuleReport, sidecar: Sidecar): void {
  const spec = sidecar.spec;
  if (spec.workloadSelector !== undefined && Object.keys(spec.workloadSelector.labels ?? {}).length === 0) {
    report.warn(
      ['spec', 'workloadSelector'],
      'sidecar: workload selector specified without labels, will be applied to all services in namespace',
    );
  }
  if (
    spec.egress === undefined &&
    spec.ingress === undefined &&
    spec.outboundTrafficPolicy === undefined &&
    spec.inboundConnectionPool === undefined
  ) {
    report.error(['spec'], 'sidecar: empty configuration provided');
    return;
  }
  checkEgress(report, sidecar);
  const tp = spec.outboundTrafficPolicy;
  if (tp?.egressProxy !== undefined && tp.mode !== 'ALLOW_ANY') {
    report.error(
      ['spec', 'outboundTrafficPolicy', 'egressProxy'],
      'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
    );
  }
}
