/** Istio's port-level replacement rule, and where diagnostics point for block-style fields. */
import { formatDiagnostic, planSimulation, type TranslatedCluster } from '@meshsim/core';
import { describe, expect, it } from 'vitest';

const UNLIMITED = 4_294_967_295;

const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.1 }]
`;

function clusterFor(destinationRule: string) {
  const { plan, diagnostics } = planSimulation({
    config: { file: 'rules.yaml', text: `${SERVICE_ENTRY}---\n${destinationRule}` },
    duration: '1s',
    traffic: { host: 'api.example.com', port: 80, rps: 1 },
  });
  // Istio resources in, so the plan's clusters are translated ones.
  return { cluster: plan?.model.clusters[0] as TranslatedCluster | undefined, diagnostics };
}

/**
 * translate-cluster.ts `effectivePolicy` falls back, part by part, to the top-level value for each of
 * loadBalancer / connectionPool / outlierDetection / tls that a matching portLevelSettings entry omits.
 * Istio does not: a matching entry replaces all four, and the ones it omits revert to Istio's defaults
 * ("Traffic settings specified at the destination-level will not be inherited when overridden by
 * port-level settings, i.e. default values will be applied to fields omitted in port-level traffic
 * policies": istio/istio pilot/pkg/networking/util/util.go, GetPortLevelTrafficPolicy →
 * shadowCopyPortTrafficPolicy; older releases: MergeTrafficPolicy assigns all four from the entry).
 */
describe('portLevelSettings: parts the matching entry omits revert to the defaults (Istio), not to the top level', () => {
  it('a port-level connectionPool alone drops the top-level loadBalancer: LEAST_REQUEST, not ROUND_ROBIN', () => {
    const { cluster } = clusterFor(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    loadBalancer: { simple: ROUND_ROBIN }
    portLevelSettings:
      - port: { number: 80 }
        connectionPool:
          http: { http1MaxPendingRequests: 7 }
`);
    expect(cluster?.circuitBreakers.maxPendingRequests).toBe(7);
    expect(cluster?.lbPolicy).toBe('LEAST_REQUEST');
    expect(cluster?.lbPolicyFrom).toBe('default');
  });

  it('a port-level loadBalancer alone drops the top-level connectionPool: thresholds back to 4294967295', () => {
    const { cluster } = clusterFor(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: 10, connectTimeout: 2s }
    portLevelSettings:
      - port: { number: 80 }
        loadBalancer: { simple: RANDOM }
`);
    expect(cluster?.lbPolicy).toBe('RANDOM');
    expect(cluster?.circuitBreakers.maxConnections).toBe(UNLIMITED);
    expect(cluster?.circuitBreakersFrom.maxConnections).toBe('default');
    expect(cluster?.connectTimeoutMs).toBe(10_000);
  });

  it('a matching entry without outlierDetection drops the top-level one', () => {
    const { cluster, diagnostics } = clusterFor(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 5 }
    portLevelSettings:
      - port: { number: 80 }
        loadBalancer: { simple: RANDOM }
`);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(cluster?.outlierDetection).toBeNull();
    // Without outlier detection Envoy's own panic threshold applies.
    expect(cluster?.healthyPanicThresholdPct).toBe(50);
  });

  it('without portLevelSettings the top-level outlierDetection applies', () => {
    const { cluster } = clusterFor(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 3 }
`);
    expect(cluster?.outlierDetection?.consecutive5xx).toBe(3);
    expect(cluster?.healthyPanicThresholdPct).toBe(0);
  });
});

/** A field written as a block mapping is reported at its key's line, not at its first child's. */
describe('a translation warning on a block-style field points at the line of the field it names', () => {
  it('spec.trafficPolicy.connectionPool.http.http2KeepAlive written as a block is reported at its own line', () => {
    const rule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    connectionPool:
      http:
        http2KeepAlive:
          interval: 30s
          timeout: 5s
`;
    const text = `${SERVICE_ENTRY}---\n${rule}`;
    // SERVICE_ENTRY is 8 lines, `---` is 9, and http2KeepAlive is the rule's 9th line.
    const line = text.split('\n').indexOf('        http2KeepAlive:') + 1;
    expect(line).toBe(18);
    const { diagnostics } = clusterFor(rule);
    const warning = diagnostics.find(
      (d) => d.path === 'spec.trafficPolicy.connectionPool.http.http2KeepAlive',
    );
    // The default Istio release (1.28) predates the field.
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/^Istio 1\.31 added this field/);
    expect(warning?.line).toBe(line); // the key's line, not the line of its first child
  });
});
