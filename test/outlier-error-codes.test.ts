import { explainConfig, loadConfig, type Report, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

// outlierDetectionHttpErrorCodes (Istio 1.31): istiod's applyOutlierDetectionErrorCodes makes it the
// cluster's http_protocol_options.outlier_detection.error_matcher; Envoy's router then reports a matched
// status as a failure (500 when below 500) and any other as a success (200).

/** Three hosts; 10.0.0.1 answers `status` to every request, the others 200. */
function run(status: number, outlier: string, istioVersion = '1.31'): Report {
  return simulate({
    config: hostsYaml(3, `outlierDetection: ${outlier}`),
    seed: 5,
    duration: '20s',
    proxy: { istioVersion },
    traffic: { host: 'api.example.com', rps: 50 },
    endpoints: {
      '*': { latency: { constant: '5ms' } },
      '10.0.0.1': { latency: { constant: '5ms' }, errors: [{ status, rate: 1 }] },
    },
  });
}

const od = (r: Report, name: string) => r.clusters[CLUSTER]!.stats[`outlier_detection.${name}`] ?? 0;
const BASE = 'consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 100';

describe('outlierDetectionHttpErrorCodes', () => {
  it('a listed 429 counts as an error: three in a row eject the host, which then gets nothing', () => {
    const listed = run(429, `{ ${BASE}, outlierDetectionHttpErrorCodes: [429] }`);
    expect(od(listed, 'ejections_enforced_consecutive_5xx')).toBe(1);
    // Ejected for 60 s after its third 429 (the detector counts inline): the run's 429s are those three.
    expect(listed.client.byStatus['429']).toBe(3);
    // Without the list a 429 is a success to the detector: never ejected, a third of the traffic 429.
    const unlisted = run(429, `{ ${BASE} }`);
    expect(od(unlisted, 'ejections_enforced_consecutive_5xx')).toBe(0);
    expect(unlisted.client.byStatus['429']).toBeGreaterThan(unlisted.client.total / 4);
  });

  it('an unlisted 503 is a success: the host is never ejected', () => {
    const r = run(503, `{ ${BASE}, outlierDetectionHttpErrorCodes: [429] }`);
    expect(od(r, 'ejections_enforced_consecutive_5xx')).toBe(0);
    expect(od(r, 'ejections_detected_consecutive_gateway_failure')).toBe(0);
    // Without the list the same 503s eject it at the third.
    expect(od(run(503, `{ ${BASE} }`), 'ejections_enforced_consecutive_5xx')).toBe(1);
  });

  it('a listed 429 is reported as 500, so it is no gateway failure', () => {
    const gateway = 'consecutive5xxErrors: 0, consecutiveGatewayErrors: 3, maxEjectionPercent: 100';
    const r = run(429, `{ ${gateway}, outlierDetectionHttpErrorCodes: [429] }`);
    expect(od(r, 'ejections_enforced_consecutive_gateway_failure')).toBe(0);
    const g = run(503, `{ ${gateway}, outlierDetectionHttpErrorCodes: [503] }`);
    expect(od(g, 'ejections_enforced_consecutive_gateway_failure')).toBe(1);
  });

  it('Istio before 1.31 has no such field: a warning, and 5xx stay the errors', () => {
    const r = run(429, `{ ${BASE}, outlierDetectionHttpErrorCodes: [429] }`, '1.30');
    expect(od(r, 'ejections_enforced_consecutive_5xx')).toBe(0);
    const text = `${hostsYaml(1, `outlierDetection: { outlierDetectionHttpErrorCodes: [429] }`)}`;
    const old = explainConfig(loadConfig([{ file: 'dr.yaml', text }]), { istioVersion: '1.30' });
    expect(old.clusters[0]!.outlierErrorMatcher).toBeUndefined();
    expect(JSON.stringify(old.clusters[0]!.notModelled)).toContain('Istio 1.31 added this field');
  });

  it('explain shows the matcher with the line it was set on', () => {
    const text = hostsYaml(1, 'outlierDetection: { outlierDetectionHttpErrorCodes: [503, 429, 503] }');
    const e = explainConfig(loadConfig([{ file: 'dr.yaml', text }]), { istioVersion: '1.31' });
    const m = e.clusters[0]!.outlierErrorMatcher!;
    expect(m.value).toEqual([429, 503]);
    expect(m.from === 'set' && m.at.file === 'dr.yaml' && m.at.line > 0).toBe(true);
  });
});
