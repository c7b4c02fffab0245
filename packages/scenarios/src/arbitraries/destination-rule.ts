import type { DestinationRuleInput } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import {
  count,
  duration,
  hostname,
  httpStatus,
  INT32_MAX,
  nonEmpty,
  objectName,
  REGIONS,
  record,
  someOf,
  UINT32_MAX,
} from './primitives.js';

export type TrafficPolicyInput = NonNullable<DestinationRuleInput['spec']['trafficPolicy']>;
export type ConnectionPoolInput = NonNullable<TrafficPolicyInput['connectionPool']>;
export type OutlierDetectionInput = NonNullable<TrafficPolicyInput['outlierDetection']>;
export type LoadBalancerInput = NonNullable<TrafficPolicyInput['loadBalancer']>;
export type ClientTlsInput = NonNullable<TrafficPolicyInput['tls']>;

/** The served apiVersions of the networking kinds. */
export const istioApiVersion = (): Arbitrary<string> =>
  fc.constantFrom('networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3');

/**
 * Istio's `connectionPool`: TCP and HTTP limits, each field present or not, but at least one of
 * `tcp` and `http`, and never `useClientProtocol` with `h2UpgradePolicy: UPGRADE` (Istio refuses both).
 */
export function connectionPool(): Arbitrary<ConnectionPoolInput> {
  return someOf({
    tcp: someOf({
      maxConnections: count(0, INT32_MAX),
      connectTimeout: duration({ minMs: 1, maxMs: 30_000 }),
      tcpKeepalive: someOf({
        probes: count(0, UINT32_MAX, 9),
        time: duration({ minMs: 1 }),
        interval: duration({ minMs: 1, maxMs: 600_000 }),
      }),
      maxConnectionDuration: duration({ minMs: 1 }),
      idleTimeout: duration(),
    }),
    http: someOf({
      http1MaxPendingRequests: count(0, INT32_MAX),
      http2MaxRequests: count(0, INT32_MAX),
      maxRequestsPerConnection: count(0, INT32_MAX),
      maxRetries: count(0, INT32_MAX),
      idleTimeout: duration({ minMs: 1 }),
      h2UpgradePolicy: fc.constantFrom('DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'),
      useClientProtocol: fc.boolean(),
      maxConcurrentStreams: count(0, INT32_MAX),
    }).filter((http) => !(http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true)),
  }).filter(nonEmpty);
}

/**
 * Istio's `outlierDetection`; counts are mostly small so ejections happen in short runs.
 * `consecutiveLocalOriginFailures` comes only with `splitExternalLocalOriginErrors: true`, which
 * Istio requires.
 */
export function outlierDetection(): Arbitrary<OutlierDetectionInput> {
  // An option, so shrinking drops the pair.
  const localOrigin = fc.option(
    fc.oneof(
      record({ splitExternalLocalOriginErrors: fc.boolean() }),
      someOf({ consecutiveLocalOriginFailures: count(0, UINT32_MAX, 20) }).map((failures) => ({
        ...failures,
        splitExternalLocalOriginErrors: true,
      })),
    ),
    { nil: undefined },
  );
  return fc
    .tuple(
      someOf({
        consecutive5xxErrors: count(0, UINT32_MAX, 20),
        consecutiveGatewayErrors: count(0, UINT32_MAX, 20),
      }),
      localOrigin,
      someOf({
        interval: duration({ minMs: 1, maxMs: 60_000 }),
        baseEjectionTime: duration({ minMs: 1, maxMs: 300_000 }),
        maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
        minHealthPercent: fc.integer({ min: 0, max: 100 }),
        outlierDetectionHttpErrorCodes: fc.uniqueArray(httpStatus(500, 599), { minLength: 1, maxLength: 3 }),
      }),
    )
    .map(([consecutive, local, rest]) => ({ ...consecutive, ...(local ?? {}), ...rest }));
}

const consistentHash = (): Arbitrary<NonNullable<LoadBalancerInput['consistentHash']>> =>
  fc
    .tuple(
      fc.oneof(
        record({ httpHeaderName: fc.constantFrom('x-user', 'x-session') }),
        someOf({ ttl: duration() }).map((cookie) => ({ httpCookie: { name: 'session', ...cookie } })),
        record({ useSourceIp: fc.constant(true) }),
        record({ httpQueryParameterName: fc.constant('user') }),
      ),
      fc.option(
        fc.oneof(
          record({ ringHash: someOf({ minimumRingSize: count(1, 8_388_608, 1024) }) }),
          // Maglev needs a prime tableSize.
          record({ maglev: record({ tableSize: fc.constantFrom(65_537, 131_071) }) }),
        ),
        { nil: undefined },
      ),
    )
    .map(([key, table]) => ({ ...key, ...table }));

/** Ordered pairs of distinct regions, for locality failover. */
const REGION_PAIRS = REGIONS.flatMap((from) =>
  REGIONS.filter((to) => to !== from).map((to) => ({ from, to })),
);

/**
 * `localityLbSetting`. Failover (`failover`, `failoverPriority`) only `withOutlierDetection`: Istio
 * warns that it does nothing without.
 */
function localityLbSetting(
  withOutlierDetection: boolean,
): Arbitrary<NonNullable<LoadBalancerInput['localityLbSetting']>> {
  const always = [
    someOf({ enabled: fc.boolean() }),
    // Each weight in 1..100, adding up to 100.
    fc.integer({ min: 1, max: 99 }).map((east) => ({
      distribute: [{ from: '*', to: { 'us-east-1/*': east, 'eu-west-1/*': 100 - east } }],
    })),
  ];
  const failover = [
    record({
      enabled: fc.constant(true),
      // Regions only, each from another region.
      failover: fc.array(fc.constantFrom(...REGION_PAIRS), { minLength: 1, maxLength: 2 }),
    }),
    fc
      .constantFrom('topology.kubernetes.io/region', 'topology.istio.io/network')
      .map((label) => ({ failoverPriority: [label] })),
  ];
  return fc.oneof(...always, ...(withOutlierDetection ? failover : []));
}

/**
 * Istio's `loadBalancer`: `simple` or `consistentHash` (never both), locality settings, warm-up.
 * Locality failover only `withOutlierDetection`, for a policy that has `outlierDetection`.
 */
export function loadBalancer(
  constraints: { withOutlierDetection?: boolean } = {},
): Arbitrary<LoadBalancerInput> {
  return fc
    .tuple(
      fc.option(
        fc.oneof(
          record({
            simple: fc.constantFrom(
              'UNSPECIFIED',
              'LEAST_CONN',
              'RANDOM',
              'PASSTHROUGH',
              'ROUND_ROBIN',
              'LEAST_REQUEST',
            ),
          }),
          record({ consistentHash: consistentHash() }),
        ),
        { nil: undefined },
      ),
      someOf({ localityLbSetting: localityLbSetting(constraints.withOutlierDetection ?? false) }),
      fc.option(
        fc.oneof(
          record({ warmupDurationSecs: duration({ minMs: 1000, maxMs: 600_000 }) }),
          someOf({
            minimumPercent: fc.integer({ min: 0, max: 100 }),
            aggression: fc.integer({ min: 1, max: 5 }),
          }).map((tuning) => ({ warmup: { duration: '60s', ...tuning } })),
        ),
        { nil: undefined },
      ),
    )
    .map(([policy, locality, warmup]) => ({ ...policy, ...locality, ...warmup }));
}

/**
 * Istio's client `tls`, each mode with the fields it takes; `insecureSkipVerify: true` never with
 * `caCertificates` or `subjectAltNames`, which Istio refuses.
 */
export function clientTls(): Arbitrary<ClientTlsInput> {
  const sni = hostname();
  return fc.oneof(
    record({ mode: fc.constant('DISABLE' as const) }),
    someOf({
      sni,
      caCertificates: fc.constant('/etc/certs/ca.pem'),
      subjectAltNames: fc.array(sni, { minLength: 1, maxLength: 2 }),
      insecureSkipVerify: fc.boolean(),
    })
      .filter(
        (tls) =>
          tls.insecureSkipVerify !== true ||
          (tls.caCertificates === undefined && tls.subjectAltNames === undefined),
      )
      .map((rest) => ({ mode: 'SIMPLE' as const, ...rest })),
    fc
      .oneof(
        record({ credentialName: objectName() }),
        record({
          clientCertificate: fc.constant('/etc/certs/cert.pem'),
          privateKey: fc.constant('/etc/certs/key.pem'),
        }),
      )
      .map((credentials) => ({ mode: 'MUTUAL' as const, ...credentials })),
    someOf({ sni }).map((rest) => ({ mode: 'ISTIO_MUTUAL' as const, ...rest })),
  );
}

type PolicyParts = Pick<TrafficPolicyInput, 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls'>;

/**
 * The settings of a policy, top-level or one port's: at least one, with or without
 * `outlierDetection` (locality failover only with).
 */
const policyParts = (): Arbitrary<PolicyParts> =>
  fc
    .oneof(
      someOf({ loadBalancer: loadBalancer(), connectionPool: connectionPool(), tls: clientTls() }),
      fc
        .tuple(
          someOf({
            loadBalancer: loadBalancer({ withOutlierDetection: true }),
            connectionPool: connectionPool(),
          }),
          outlierDetection(),
          someOf({ tls: clientTls() }),
        )
        .map(([before, outlier, after]) => ({ ...before, outlierDetection: outlier, ...after })),
    )
    .filter(nonEmpty);

/** A `trafficPolicy`, optionally with port-level settings for distinct ports. */
export function trafficPolicy(): Arbitrary<TrafficPolicyInput> {
  const portLevel = fc
    .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 65_535 }), policyParts()), {
      maxLength: 2,
      selector: ([port]) => port,
    })
    .map((ports) => ports.map(([number, parts]) => ({ port: { number }, ...parts })));
  return fc
    .tuple(policyParts(), fc.option(portLevel, { nil: undefined }))
    .map(([parts, portLevelSettings]) =>
      portLevelSettings === undefined || portLevelSettings.length === 0
        ? parts
        : { ...parts, portLevelSettings },
    );
}

/** A valid DestinationRule for `host` (default: any) in `namespace` (default: any). */
export function destinationRule(
  constraints: { host?: string; namespace?: string } = {},
): Arbitrary<DestinationRuleInput> {
  return record({
    apiVersion: istioApiVersion(),
    name: objectName(),
    namespace: constraints.namespace === undefined ? objectName() : fc.constant(constraints.namespace),
    host: constraints.host === undefined ? hostname() : fc.constant(constraints.host),
    trafficPolicy: fc.option(trafficPolicy(), { nil: undefined }),
  }).map(({ apiVersion, name, namespace, host, trafficPolicy }) => ({
    apiVersion,
    kind: 'DestinationRule' as const,
    metadata: { name, namespace },
    spec: trafficPolicy === undefined ? { host } : { host, trafficPolicy },
  }));
}
