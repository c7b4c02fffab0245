import type { ConnectionPoolSettings } from '../schema/connection-pool.js';
import type { OutlierDetection, PortTrafficPolicy, TrafficPolicy } from '../schema/destination-rule.js';
import type { LoadBalancerSettings } from '../schema/load-balancer.js';
import { checkDuration } from './fields.js';
import { isIpAddress, validateFqdn } from './hosts.js';
import { checkLocalityLbSetting, checkZoneAwareLbSetting } from './locality-rules.js';
import type { RuleReport } from './report.js';
import { checkClientTls } from './tls-rules.js';

// istiod's validateTrafficPolicy and the checks under it (pkg/config/validation/validation.go).

const MAGLEV_TABLE_LIMIT = 5_000_011;

/** Envoy's primality test, which Istio copies so the two agree on every table size. */
export function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let factor = 3; factor <= limit; factor += 2) if (x % factor === 0) return false;
  return true;
}

function checkOutlierDetection(report: RuleReport, outlier: OutlierDetection | undefined): void {
  if (outlier === undefined) return;
  checkDuration(report, ['baseEjectionTime'], outlier.baseEjectionTime);
  if ((outlier.consecutiveErrors ?? 0) !== 0) {
    report.warn(
      ['consecutiveErrors'],
      'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead',
    );
  }
  if (outlier.splitExternalLocalOriginErrors !== true && (outlier.consecutiveLocalOriginFailures ?? 0) > 0) {
    report.error(
      ['consecutiveLocalOriginFailures'],
      'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
    );
  }
  checkDuration(report, ['interval'], outlier.interval);
}

function checkConnectionPool(report: RuleReport, pool: ConnectionPoolSettings | undefined): void {
  if (pool === undefined) return;
  if (pool.http === undefined && pool.tcp === undefined) {
    report.error([], 'connection pool must have at least one field');
    return;
  }
  const http = pool.http;
  if (http !== undefined) {
    checkDuration(report, ['http', 'idleTimeout'], http.idleTimeout);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      report.error(
        ['http', 'useClientProtocol'],
        'use client protocol must not be true when H2UpgradePolicy is UPGRADE',
      );
    }
    const keepalive = http.http2KeepAlive;
    if (keepalive !== undefined) {
      if (keepalive.interval === undefined)
        report.error(['http', 'http2KeepAlive'], 'http2 keepalive interval is required');
      else checkDuration(report, ['http', 'http2KeepAlive', 'interval'], keepalive.interval);
      if (keepalive.timeout === undefined)
        report.error(['http', 'http2KeepAlive'], 'http2 keepalive timeout is required');
      else checkDuration(report, ['http', 'http2KeepAlive', 'timeout'], keepalive.timeout);
    }
  }
  const tcp = pool.tcp;
  if (tcp !== undefined) {
    checkDuration(report, ['tcp', 'connectTimeout'], tcp.connectTimeout);
    checkDuration(report, ['tcp', 'maxConnectionDuration'], tcp.maxConnectionDuration);
    // Under a millisecond counts as 0s, which disables the timeout: no check at all then.
    if (tcp.idleTimeout !== undefined && Math.trunc(tcp.idleTimeout.ms) !== 0) {
      checkDuration(report, ['tcp', 'idleTimeout'], tcp.idleTimeout);
    }
    checkDuration(report, ['tcp', 'tcpKeepalive', 'time'], tcp.tcpKeepalive?.time);
    checkDuration(report, ['tcp', 'tcpKeepalive', 'interval'], tcp.tcpKeepalive?.interval);
  }
}

function checkConsistentHash(report: RuleReport, lb: LoadBalancerSettings): void {
  const hash = lb.consistentHash;
  if (hash === undefined) return;
  const at = report.at('consistentHash');
  const cookie = hash.httpCookie;
  if (cookie !== undefined) {
    if (cookie.name === '') at.error(['httpCookie', 'name'], 'name required for HttpCookie');
    const names = new Set<string>();
    (cookie.attributes ?? []).forEach((attribute, i) => {
      if (attribute.name === '')
        at.error(['httpCookie', 'attributes', i, 'name'], 'cookie attribute name cannot be empty');
      else if (names.has(attribute.name)) {
        at.error(
          ['httpCookie', 'attributes', i, 'name'],
          `duplicate cookie attribute name: ${attribute.name}`,
        );
      } else names.add(attribute.name);
    });
  }
  const minimumRingSize = hash.minimumRingSize ?? 0;
  if (minimumRingSize !== 0) {
    at.warn(
      ['minimumRingSize'],
      "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead",
    );
    if (hash.ringHash !== undefined || hash.maglev !== undefined) {
      at.error(['minimumRingSize'], 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
  }
  const maglev = hash.maglev;
  if (maglev !== undefined) {
    const size = maglev.tableSize ?? 0;
    if (size === 0) at.error(['maglev', 'tableSize'], 'tableSize must be set for maglev');
    if (size >= MAGLEV_TABLE_LIMIT)
      at.error(['maglev', 'tableSize'], `tableSize must be less than ${MAGLEV_TABLE_LIMIT} for maglev`);
    // Below the limit only: trial division up to 2^53 would take seconds (Istio runs it on any size).
    if (size < MAGLEV_TABLE_LIMIT && !isPrime(size)) {
      at.error(['maglev', 'tableSize'], 'tableSize must be a prime number for maglev');
    }
  }
}

function checkLoadBalancer(
  report: RuleReport,
  lb: LoadBalancerSettings | undefined,
  hasOutlier: boolean,
): void {
  if (lb === undefined) return;
  checkConsistentHash(report, lb);
  if (lb.localityLbSetting !== undefined && lb.zoneAwareLbSetting !== undefined) {
    report.error(['zoneAwareLbSetting'], 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  }
  checkLocalityLbSetting(report.at('localityLbSetting'), lb.localityLbSetting, hasOutlier);
  checkZoneAwareLbSetting(report.at('zoneAwareLbSetting'), lb.zoneAwareLbSetting, hasOutlier);
  const warmup = lb.warmup;
  if (warmup !== undefined) {
    checkDuration(report, ['warmup', 'duration'], warmup.duration);
    if (warmup.aggression !== undefined && warmup.aggression <= 0) {
      report.error(['warmup', 'aggression'], 'aggression should be greater than 0');
    }
  }
}

function checkPortLevelSettings(
  report: RuleReport,
  settings: readonly PortTrafficPolicy[],
  namespace: string,
): void {
  settings.forEach((policy, i) => {
    const at = report.at(i);
    if (policy.port === undefined) at.error([], 'portTrafficPolicy must have valid port');
    const { outlierDetection, connectionPool, loadBalancer, tls } = policy;
    if (
      outlierDetection === undefined &&
      connectionPool === undefined &&
      loadBalancer === undefined &&
      tls === undefined
    ) {
      at.error([], 'port traffic policy must have at least one field');
      return;
    }
    checkOutlierDetection(at.at('outlierDetection'), outlierDetection);
    checkConnectionPool(at.at('connectionPool'), connectionPool);
    checkLoadBalancer(at.at('loadBalancer'), loadBalancer, outlierDetection !== undefined);
    checkClientTls(at.at('tls'), tls, namespace);
  });
}

export function checkTrafficPolicy(
  report: RuleReport,
  policy: TrafficPolicy | undefined,
  namespace: string,
): void {
  if (policy === undefined) return;
  if (
    Object.values(policy).every(
      (value) => value === undefined || (Array.isArray(value) && value.length === 0),
    )
  ) {
    report.error([], 'traffic policy must have at least one field');
    return;
  }
  if (policy.tunnel !== undefined && policy.proxyProtocol !== undefined) {
    report.error(['proxyProtocol'], 'tunnel and proxyProtocol must not be set together');
    return;
  }
  checkOutlierDetection(report.at('outlierDetection'), policy.outlierDetection);
  checkConnectionPool(report.at('connectionPool'), policy.connectionPool);
  checkLoadBalancer(report.at('loadBalancer'), policy.loadBalancer, policy.outlierDetection !== undefined);
  checkClientTls(report.at('tls'), policy.tls, namespace);
  checkPortLevelSettings(report.at('portLevelSettings'), policy.portLevelSettings ?? [], namespace);
  const tunnel = policy.tunnel;
  if (tunnel !== undefined) {
    const protocol = tunnel.protocol ?? '';
    if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') {
      report.error(['tunnel', 'protocol'], 'tunnel protocol must be "CONNECT" or "POST"');
    }
    const fqdn = validateFqdn(tunnel.targetHost);
    if (fqdn !== undefined && !isIpAddress(tunnel.targetHost)) {
      report.error(['tunnel', 'targetHost'], `tunnel target host must be valid FQDN or IP address: ${fqdn}`);
    }
  }
}
