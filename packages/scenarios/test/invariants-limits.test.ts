import { outboundClusterName } from '@meshsim/core';
import { defineScenario, istio, traffic } from '@meshsim/scenarios';
import {
  ejectionsWithinMaxEjectionPercent,
  limitsFromConfig,
  violationsOf,
} from '@meshsim/scenarios/invariants';
import { describe, expect, it } from 'vitest';
import { cluster, report } from './fixtures/synthetic-report.js';

const HOST = 'api.example.com';
const HTTP = outboundClusterName(HOST, 80);
const TLS = outboundClusterName(HOST, 443);

/** Three endpoints on an HTTP and an HTTPS port, `outlier` and `pool` as the DestinationRule's. */
function spec(options: { outlier?: object; pool?: object; retries?: object; istioVersion?: string } = {}) {
  const resources = [
    istio.serviceEntry('api', {
      hosts: [HOST],
      ports: [
        { number: 80, name: 'http', protocol: 'HTTP' },
        { number: 443, name: 'https', protocol: 'HTTPS' },
      ],
      resolution: 'STATIC',
      endpoints: [{ address: '192.0.2.1' }, { address: '192.0.2.2' }, { address: '192.0.2.3' }],
    }),
    // A DestinationRule with an empty trafficPolicy is refused, as istiod's webhook does.
    ...(options.outlier === undefined && options.pool === undefined
      ? []
      : [
          istio.destinationRule('api', {
            host: HOST,
            trafficPolicy: {
              ...(options.outlier === undefined ? {} : { outlierDetection: options.outlier }),
              ...(options.pool === undefined ? {} : { connectionPool: options.pool }),
            },
          }),
        ]),
    ...(options.retries === undefined
      ? []
      : [
          istio.virtualService('api', {
            hosts: [HOST],
            http: [
              { retries: options.retries, route: [{ destination: { host: HOST, port: { number: 80 } } }] },
            ],
          }),
        ]),
  ];
  return defineScenario({
    resources,
    proxy: { istioVersion: options.istioVersion ?? '1.28' },
    traffic: [
      traffic.poisson({ host: HOST, port: 80, rps: 10 }),
      traffic.poisson({ host: HOST, port: 443, rps: 10 }),
    ],
  });
}

describe('limitsFromConfig: the limits as Envoy got them from Istio', () => {
  it('maxEjectionPercent: 0 or unset is Envoy default 10 %, as Istio passes only values above 0', () => {
    expect(limitsFromConfig(spec({ outlier: { maxEjectionPercent: 0 } })).maxEjectionPercent(HTTP)).toBe(10);
    expect(limitsFromConfig(spec({ outlier: { consecutive5xxErrors: 3 } })).maxEjectionPercent(HTTP)).toBe(
      10,
    );
    expect(limitsFromConfig(spec({ outlier: { maxEjectionPercent: 50 } })).maxEjectionPercent(HTTP)).toBe(50);
  });

  it('the cap rule follows the Istio version: Envoy before 1.27 (Istio 1.18) lets the first ejection through', () => {
    expect(limitsFromConfig(spec({ outlier: {}, istioVersion: '1.18' })).rule(HTTP)).toBe('legacy');
    expect(limitsFromConfig(spec({ outlier: {}, istioVersion: '1.22' })).rule(HTTP)).toBe('current');
  });

  it('retries: the VirtualService attempts, else Istio default 2; none on the tcp-proxied port', () => {
    expect(limitsFromConfig(spec()).retries(HTTP)).toBe(2);
    expect(limitsFromConfig(spec({ retries: { attempts: 5 } })).retries(HTTP)).toBe(5);
    expect(limitsFromConfig(spec({ retries: { attempts: 0 } })).retries(HTTP)).toBe(0);
    expect(limitsFromConfig(spec()).retries(TLS)).toBe(0);
  });

  it('maxConnections: the DestinationRule value, else Istio default 2^32 − 1', () => {
    expect(limitsFromConfig(spec({ pool: { tcp: { maxConnections: 7 } } })).maxConnections(TLS)).toBe(7);
    expect(limitsFromConfig(spec()).maxConnections(HTTP)).toBe(2 ** 32 - 1);
    expect(() => limitsFromConfig(spec()).maxConnections('outbound|81||api.example.com')).toThrow(
      'cluster outbound|81||api.example.com is not in the config the limits were read from',
    );
  });

  it('with maxEjectionPercent 0, one ejection of three hosts is over the limit (10 % allows none)', () => {
    const limits = limitsFromConfig(spec({ outlier: { maxEjectionPercent: 0 } }));
    const ejected = report({
      clusters: {
        [HTTP]: cluster(3, [{ host: '192.0.2.1:80', atMs: 5, untilMs: null, type: 'CONSECUTIVE_5XX' }]),
      },
    });
    const violations = violationsOf(ejected, ejectionsWithinMaxEjectionPercent(limits));
    expect(violations.map((v) => v.message)).toEqual([
      '192.0.2.1:80 ejected at 5 ms with 0 of 3 hosts already ejected (33.3 % ejected) beyond maxEjectionPercent 10 (current rule)',
    ]);
    // Under Istio 1.18's rule the first ejection always passes.
    const legacy = limitsFromConfig(spec({ outlier: { maxEjectionPercent: 0 }, istioVersion: '1.18' }));
    expect(violationsOf(ejected, ejectionsWithinMaxEjectionPercent(legacy))).toEqual([]);
  });
});
