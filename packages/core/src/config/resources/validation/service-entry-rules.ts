import type { PortProtocol, ServiceEntry, ServiceEntrySpec, WorkloadEntry } from '../schema/service-entry.js';
import { checkExportTo } from './export-to.js';
import {
  isDns1123Label,
  isIpAddress,
  validateFqdn,
  validateIpSubnet,
  validatePartialWildcard,
  validatePort,
  validateWildcardDomain,
} from './hosts.js';
import { labelProblems } from './labels.js';
import type { RuleReport } from './report.js';

// istiod's ValidateServiceEntry (pkg/config/validation/validation.go), after the CRD schema.

const TCP_PROTOCOLS: ReadonlySet<PortProtocol> = new Set(['TCP', 'HTTPS', 'TLS', 'MONGO', 'REDIS', 'MYSQL']);
const HTTP_PROTOCOLS: ReadonlySet<PortProtocol> = new Set([
  'HTTP',
  'HTTP2',
  'HTTP_PROXY',
  'GRPC',
  'GRPC-WEB',
]);
const TLS_PROTOCOLS: ReadonlySet<PortProtocol> = new Set(['HTTPS', 'TLS']);
const DYNAMIC_DNS_PROTOCOLS: ReadonlySet<PortProtocol> = new Set(['HTTP', 'TLS', 'GRPC', 'HTTP2']);
const AUTO_ALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';
const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';

export const portNameProblem = (name: string): string | undefined =>
  isDns1123Label(name) ? undefined : `invalid port name: ${name}`;

/** Go's path.IsAbs and no trailing slash, or an abstract socket (`@name`). */
function unixAddressProblem(path: string): string | undefined {
  if (path === '') return 'unix address must not be empty';
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) return `${path} is not an absolute path to a file`;
  return undefined;
}

function checkEndpointPorts(
  report: RuleReport,
  entry: WorkloadEntry,
  servicePorts: ReadonlySet<string>,
): void {
  for (const [name, port] of Object.entries(entry.ports ?? {})) {
    if (!servicePorts.has(name))
      report.error(['ports', name], `endpoint port ${port} is not defined by the service entry`);
    report.check(['ports', name], portNameProblem(name));
    report.check(['ports', name], validatePort(port));
  }
  for (const [key, problem] of labelProblems(entry.labels)) report.error(['labels', key], problem);
}

/** validateWorkloadEntry for a STATIC ServiceEntry: IP or unix-socket addresses only. */
function checkStaticEndpoint(
  report: RuleReport,
  entry: WorkloadEntry,
  servicePorts: ReadonlySet<string>,
): void {
  const address = entry.address ?? '';
  if (address === '') {
    report.warn(['address'], `address is unset with network ${JSON.stringify(entry.network ?? '')}`);
  }
  const unix = address.startsWith('unix://');
  if (unix) {
    report.check(['address'], unixAddressProblem(address.slice('unix://'.length)));
    if (entry.ports !== undefined && Object.keys(entry.ports).length > 0) {
      report.error(['ports'], `unix endpoint ${address} must not include ports`);
    }
  } else if (address !== '' && !isIpAddress(address)) {
    report.error(['address'], `endpoint address ${JSON.stringify(address)} is not a valid IP address`);
  }
  checkEndpointPorts(report, entry, servicePorts);
  if (unix && servicePorts.size !== 1)
    report.error(['address'], 'exactly 1 service port required for unix endpoints');
}

function checkDnsEndpoint(report: RuleReport, entry: WorkloadEntry, servicePorts: ReadonlySet<string>): void {
  const address = entry.address ?? '';
  if (!isIpAddress(address) && validateFqdn(address) !== undefined) {
    report.error(
      ['address'],
      `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`,
    );
  }
  checkEndpointPorts(report, entry, servicePorts);
}

function checkWorkloadSelector(report: RuleReport, se: ServiceEntry): boolean {
  const selector = se.spec.workloadSelector;
  if (selector === undefined) return true;
  const labels = Object.entries(selector.labels ?? {});
  let ok = true;
  for (const [key, value] of labels) {
    if (key === '') {
      report.error(
        ['spec', 'workloadSelector', 'labels', key],
        `empty key is not supported in selector: "=${value}"`,
      );
      ok = false;
    }
    if (key.includes('*') || value.includes('*')) {
      report.error(
        ['spec', 'workloadSelector', 'labels', key],
        `wildcard is not supported in selector: "${key}=${value}"`,
      );
      ok = false;
    }
  }
  if (ok && labels.length === 0) {
    report.warn(
      ['spec', 'workloadSelector'],
      'service entry: workload selector specified without labels, will be applied to all services in namespace',
    );
  }
  return ok;
}

/** istiod's ValidateServiceEntry: the selector first (a bad one stops it), then each field in its order. */
export function checkServiceEntry(report: RuleReport, se: ServiceEntry): void {
  // A bad selector makes istiod stop before anything else.
  if (!checkWorkloadSelector(report, se)) return;
  const spec = se.spec;
  const at = report.at('spec');
  checkHosts(at, spec);
  (spec.addresses ?? []).forEach((address, i) => {
    at.check(['addresses', i], validateIpSubnet(address));
  });
  const servicePorts = checkPorts(at, se);
  switch (spec.resolution) {
    case 'NONE':
      if (spec.workloadSelector !== undefined) {
        at.warn(['workloadSelector'], 'workloadSelector should not be set when resolution mode is NONE');
      }
      break;
    case 'STATIC':
      (spec.endpoints ?? []).forEach((entry, i) => {
        checkStaticEndpoint(at.at('endpoints', i), entry, servicePorts);
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      checkDnsResolution(at, spec, servicePorts);
      break;
    case 'DYNAMIC_DNS':
      checkDynamicDnsResolution(at, se);
      break;
  }
  checkOpaquePortsWithManyHosts(at, spec);
  checkExportTo(at.at('exportTo'), se.metadata.namespace, spec.exportTo, {
    serviceEntry: true,
    workloadSelector: false,
  });
}

/** Each host a wildcard domain; a partial wildcard (`a*.example.com`) only warns, except for DYNAMIC_DNS. */
function checkHosts(at: RuleReport, spec: ServiceEntrySpec): void {
  spec.hosts.forEach((host, i) => {
    if (host === '*') return; // the CRD's CEL rule already rejects it
    at.check(['hosts', i], validateWildcardDomain(host));
    if (spec.resolution !== 'DYNAMIC_DNS') {
      const partial = validatePartialWildcard(host);
      if (partial !== undefined) at.warn(['hosts', i], partial);
    }
  });
}

/**
 * Port names unique and DNS labels; a TCP port without addresses warns unless istiod allocates one.
 * Returns the port names, which endpoint ports must use.
 */
function checkPorts(at: RuleReport, se: ServiceEntry): Set<string> {
  const spec = se.spec;
  const addresses = spec.addresses ?? [];
  const autoAllocated =
    spec.resolution !== 'NONE' &&
    se.metadata.labels?.[AUTO_ALLOCATE_LABEL]?.toLowerCase() !== 'false' &&
    addresses.length === 0;
  const servicePorts = new Set<string>();
  (spec.ports ?? []).forEach((port, i) => {
    if (servicePorts.has(port.name))
      at.error(['ports', i, 'name'], `service entry port name ${JSON.stringify(port.name)} already defined`);
    servicePorts.add(port.name);
    if (
      addresses.length === 0 &&
      !autoAllocated &&
      (port.protocol === undefined || port.protocol === 'TCP')
    ) {
      at.warn(
        ['ports', i],
        'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled',
      );
    }
    at.check(['ports', i, 'name'], portNameProblem(port.name));
  });
  return servicePorts;
}

/** DNS and DNS_ROUND_ROBIN: FQDN hosts when there are no endpoints, FQDN or IP endpoints, one host per TCP address. */
function checkDnsResolution(at: RuleReport, spec: ServiceEntrySpec, servicePorts: ReadonlySet<string>): void {
  const endpoints = spec.endpoints ?? [];
  if (endpoints.length === 0) {
    const bad = spec.hosts.findIndex((host) => validateFqdn(host) !== undefined);
    const host = spec.hosts[bad];
    if (host !== undefined) {
      const message = `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${spec.resolution}, ${validateFqdn(host)}`;
      at.error(['hosts', bad], message);
    }
  }
  endpoints.forEach((entry, i) => {
    checkDnsEndpoint(at.at('endpoints', i), entry, servicePorts);
  });
  const ports = spec.ports ?? [];
  const tcp = ports.findIndex((port) => port.protocol !== undefined && TCP_PROTOCOLS.has(port.protocol));
  if ((spec.addresses ?? []).length > 0 && tcp >= 0 && spec.hosts.length > 1) {
    at.warn(
      ['hosts'],
      'service entry can not have more than one host specified simultaneously with address and tcp port',
    );
  }
}

/** DYNAMIC_DNS: wildcard hosts, no addresses or endpoints, HTTP or TLS ports, no MESH_INTERNAL waypoint. */
function checkDynamicDnsResolution(at: RuleReport, se: ServiceEntry): void {
  const spec = se.spec;
  const resolution = spec.resolution;
  spec.hosts.forEach((host, i) => {
    if (!host.startsWith('*'))
      at.error(['hosts', i], `host must be wildcarded for resolution mode ${resolution}`);
  });
  if ((spec.addresses ?? []).length > 0) {
    at.error(
      ['addresses'],
      `addresses cannot be set for resolution type ${resolution}. HTTP route domains will only be generated from the hosts field values`,
    );
  }
  if ((spec.endpoints ?? []).length > 0) {
    at.error(
      ['endpoints'],
      `endpoints cannot be set for resolution type ${resolution}. Destination IP address determined from hosts field values`,
    );
  }
  (spec.ports ?? []).forEach((port, i) => {
    if (port.protocol === undefined || !DYNAMIC_DNS_PROTOCOLS.has(port.protocol)) {
      at.error(
        ['ports', i, 'protocol'],
        `only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${resolution}`,
      );
    }
  });
  const waypoint = se.metadata.labels?.[USE_WAYPOINT_LABEL];
  const usesWaypoint = waypoint !== undefined && waypoint !== '' && waypoint.toLowerCase() !== 'none';
  if (spec.location === 'MESH_INTERNAL' && usesWaypoint) {
    at.error(
      ['location'],
      `location MESH_INTERNAL with resolution type ${resolution} is not supported when using waypoints`,
    );
  }
}

/** Plain TCP cannot tell several hosts apart (HTTP has the authority, TLS the SNI). */
function checkOpaquePortsWithManyHosts(at: RuleReport, spec: ServiceEntrySpec): void {
  if (spec.resolution === 'NONE' || spec.hosts.length <= 1) return;
  const opaque = (spec.ports ?? []).findIndex(
    (port) =>
      port.protocol === undefined ||
      (!HTTP_PROTOCOLS.has(port.protocol) && !TLS_PROTOCOLS.has(port.protocol)),
  );
  if (opaque >= 0)
    at.error(['ports', opaque, 'protocol'], 'multiple hosts provided with non-HTTP, non-TLS ports');
}
