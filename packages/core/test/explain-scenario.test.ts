import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';
import type { UpstreamTlsModel } from '../src/envoy/tls.js';
import { type Explanation, explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';
import { certificateVerdict, type ScenarioValue } from '../src/explain/scenario-endpoints.js';
import { pinningNote } from '../src/explain/traffic-sources.js';

// What `meshsim explain` shows of a Scenario: each endpoint's behaviour with the verdict each cluster's TLS
// context gives its certificate, and each traffic source, every value at the line it was written.
const FILE = 'world.yaml';
const ISTIO = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  ports:
    - { number: 443, name: http-tls, protocol: HTTP }
    - { number: 50051, name: grpc, protocol: GRPC }
  resolution: STATIC
  endpoints:
    - { address: 10.0.0.1, locality: us-east/a }
    - { address: 10.0.0.2, locality: us-east/b }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    portLevelSettings:
      - port: { number: 443 }
        tls: { mode: SIMPLE }
`;
const SCENARIO = `---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: world }
spec:
  proxy: { workers: 4 }
  network: { rtt: 2ms }
  endpoints:
    "*": { latency: { constant: 5ms } }
    10.0.0.1:
      latency: { median: 20ms, p99: 200ms }
      errors:
        - { status: 503, rate: 0.1 }
        - { grpcStatus: UNAVAILABLE, rate: 0.05 }
        - { grpcStatus: INTERNAL, inTrailers: true, rate: 0.02 }
        - { reset: refused-stream, rate: 0.01 }
        - { reset: after-headers, rate: 0.01 }
        - { status: 429, envoyRateLimited: true, rate: 0.01 }
      rateLimit: { rps: 50, envoyRateLimited: true }
      certificate: { subjectAltNames: ["*.example.com"], notAfter: 30s }
    10.0.0.2:
      connect: refuse
      certificate: { subjectAltNames: [other.example.org] }
  traffic:
    - host: api.example.com
      port: 443
      rps: 20
      connections: 3
      headers: { x-envoy-max-retries: "5", x-team: a }
    - { host: api.example.com, port: 50051, clients: 4, thinkTime: 100ms, connections: 1 }
  timeline:
    - { at: 20s, endpoint: 10.0.0.1, set: { errors: [{ status: 500, rate: 1 }] }, phase: outage }
    - { at: 30s, locality: us-east/b, becomes: { latency: { constant: 1s } } }
    - { at: 40s, traffic: 0, set: { rps: 100 } }
`;
const TEXT = ISTIO + SCENARIO;

/** The 1-based line of the only line of TEXT holding `needle`. */
function lineOf(needle: string): number {
  const hits = TEXT.split('\n').flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(hits, needle).toHaveLength(1);
  return hits[0]!;
}

function explain(text = TEXT): Explanation {
  const loaded = loadConfig({ file: FILE, text });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return explainConfig(loaded);
}

/** A value by its field, with its line (0: a default) and note. */
function shown(
  values: readonly ScenarioValue[],
  field: string,
): { value: string; line: number; note?: string } {
  const v = values.find((x) => x.field === field);
  expect(v, `${field} in ${values.map((x) => x.field).join(', ')}`).toBeDefined();
  return { value: v!.value, line: v!.from === 'set' ? v!.at.line : 0, ...(v!.note ? { note: v!.note } : {}) };
}

const e = explain();
const endpoint = (address: string) => e.scenarioEndpoints!.find((x) => x.address === address)!;

describe('explain: the Scenario endpoints', () => {
  it('lists every entry, where it is, and the clusters whose hosts have its address', () => {
    expect(e.scenarioEndpoints!.map((x) => [x.address, x.line])).toEqual([
      ['*', lineOf('"*":')],
      ['10.0.0.1', lineOf('    10.0.0.1:')],
      ['10.0.0.2', lineOf('    10.0.0.2:')],
    ]);
    expect(endpoint('10.0.0.1').clusters).toEqual([
      'outbound|443||api.example.com',
      'outbound|50051||api.example.com',
    ]);
    // Every address of the clusters has an entry of its own: `*` answers for none of them.
    expect(endpoint('*').clusters).toEqual([]);
  });

  it('gives each failure mode in words, at its line, with what Envoy makes of it', () => {
    const v = endpoint('10.0.0.1').values;
    expect(shown(v, 'errors[0]')).toMatchObject({ value: '503 × 10 %', line: lineOf('status: 503') });
    expect(shown(v, 'errors[1]')).toEqual({
      value: '200 grpc-status UNAVAILABLE (Trailers-Only) × 5 %',
      line: lineOf('UNAVAILABLE'),
      note: 'retried under retryOn unavailable; outlier detection sees 503',
    });
    expect(shown(v, 'errors[2]').note).toBe(
      "after the headers: no retry, outlier detection sees the 200; the host's rq_error counts it (500)",
    );
    // Port 443 is HTTP/1.1, port 50051 (gRPC) HTTP/2: the note says what each makes of a refused stream.
    expect(shown(v, 'errors[3]').note).toBe(
      "HTTP/2: 503 UR unless retried under refused-stream (in Istio's default), reset, 5xx or gateway-error; HTTP/1.1 has no REFUSED_STREAM: the connection closes, 503 UC (warned about when run)",
    );
    expect(shown(v, 'errors[4]').value).toBe('200, then the stream reset × 1 %');
    expect(shown(v, 'errors[5]')).toMatchObject({
      value: '429 + x-envoy-ratelimited × 1 %',
      note: "retried only under retryOn envoy-ratelimited, not in Istio's default",
    });
    // The shares are exclusive: 1 − (0.1 + 0.05 + 0.02 + 0.01 + 0.01 + 0.01) answer 200.
    expect(shown(v, 'errors (the rest)')).toMatchObject({ value: '200 × 80 %', line: 0 });
    expect(shown(v, 'rateLimit')).toMatchObject({
      value: "50 rps, burst 50 (a second's worth), then 429 + x-envoy-ratelimited",
      line: lineOf('rateLimit'),
    });
    expect(shown(v, 'rtt')).toEqual({ value: '2ms (network.rtt)', line: lineOf('network:') });
    expect(shown(endpoint('10.0.0.2').values, 'latency')).toEqual({
      value: 'none beyond the round trip',
      line: 0,
    });
  });

  it("gives the certificate the verdict of each cluster's TLS context, at the rule that set it", () => {
    const tlsLine = lineOf('tls: { mode: SIMPLE }');
    expect(shown(endpoint('10.0.0.1').values, 'certificate in outbound|443||api.example.com')).toEqual({
      value: 'accepted until 30s; outside that ssl.fail_verify_error',
      line: tlsLine,
      note: 'issued by public, which the context trusts, and its names match; a resumed TLS 1.2 session is not checked again',
    });
    expect(shown(endpoint('10.0.0.2').values, 'certificate in outbound|443||api.example.com')).toEqual({
      value: 'rejected: ssl.fail_verify_san, 503 UF',
      line: tlsLine,
      note: 'auto SAN validation: api.example.com is not among its names',
    });
    // Port 50051 originates no TLS: no verdict for it.
    expect(endpoint('10.0.0.1').values.filter((x) => x.field.startsWith('certificate in'))).toHaveLength(1);
  });

  it('shows the timeline changes of each endpoint, by address or locality', () => {
    expect(shown(endpoint('10.0.0.1').values, 'timeline[0] at 20s')).toEqual({
      value: 'errors 500 × 100 %',
      line: lineOf('at: 20s'),
      note: 'phase "outage"',
    });
    expect(shown(endpoint('10.0.0.2').values, 'timeline[1] at 30s')).toMatchObject({
      value: 'becomes latency constant 1s, errors none, connect ok',
      note: 'every endpoint in us-east/b; what it leaves out takes its default',
    });
  });
});

describe('explain: the traffic', () => {
  const [first, second] = e.traffic!;

  it('names the target, the cluster it reaches and how the port is proxied', () => {
    expect([first!.host, first!.port, first!.line]).toEqual([
      'api.example.com',
      443,
      lineOf('- host: api.example.com'),
    ]);
    expect(shown(first!.values, 'port')).toEqual({
      value: 'api.example.com:443',
      line: lineOf('port: 443'),
      note: "to outbound|443||api.example.com; HTTP port: the sidecar's HTTP router",
    });
    expect(shown(second!.values, 'clients').value).toBe('4 clients, think time 100ms');
  });

  it('says the sidecar removes the x-envoy-* headers, and why; the others pass', () => {
    const headers = first!.values.filter((v) => v.field === 'headers');
    expect(headers.map((h) => h.value)).toEqual([
      'x-envoy-max-retries: 5, removed by the sidecar',
      'x-team: a',
    ]);
    expect(headers[0]!.note).toMatch(
      /use_remote_address false and no internal_address_config .* ConnectionManagerUtility::cleanInternalHeaders drops it/,
    );
    expect(headers[1]!.note).toBeUndefined();
  });

  it('shows the connections and how they pin to workers', () => {
    expect(shown(first!.values, 'workers')).toMatchObject({
      value: '4 (proxy.workers)',
      line: lineOf('workers: 4'),
    });
    expect(shown(first!.values, 'connections').value).toBe('3 on 4 workers');
    // Three uniform draws over four workers: all on one 4·(1/4)³ = 1/16; workers used 4·(1 − (3/4)³) = 2.3125.
    expect(shown(first!.values, 'connections').note).toContain(
      'all 3 share one worker with probability 0.0625, and on average 2.31 of the 4 workers get one',
    );
    expect(shown(second!.values, 'connections').note).toContain(
      "one connection: every request uses one worker's pools and balancer, the other 3 stay idle",
    );
    expect(shown(first!.values, 'timeline[2] at 40s').value).toBe('rps 100');
  });
});

describe('explain text and JSON with and without a Scenario', () => {
  it('prints both sections, every line within 120 columns', () => {
    const text = formatExplanationTable(e);
    expect(text).toContain('\nScenario endpoints (spec.endpoints)\n');
    expect(text).toContain('\nTraffic (spec.traffic)\n  traffic[0] api.example.com:443 (world.yaml:');
    expect(text.split('\n').filter((l) => stringWidth(l) > 120)).toEqual([]);
  });

  it('adds nothing without a Scenario: no keys, no sections', () => {
    const bare = explain(ISTIO);
    expect(Object.keys(bare)).toEqual(['proxy', 'clusters', 'virtualHosts', 'notExplained', 'diagnostics']);
    expect(formatExplanationTable(bare)).not.toContain('Scenario endpoints');
  });
});

describe('certificateVerdict', () => {
  const simple: UpstreamTlsModel = {
    mode: 'SIMPLE',
    sni: '',
    autoSni: true,
    autoSanValidation: true,
    caCertificates: 'system',
    subjectAltNames: [],
    clientCertificate: '',
    insecureSkipVerify: false,
    minVersion: '1.2',
    maxVersion: '1.3',
  };
  const cert = { subjectAltNames: ['api.example.com'], issuer: 'public' };

  it('checks the CA, then the names, then the dates, as DefaultCertValidator does', () => {
    expect(certificateVerdict(simple, 'api.example.com', { ...cert, issuer: 'acme-ca' })).toEqual({
      verdict: 'rejected: ssl.fail_verify_error, 503 UF',
      why: 'issued by acme-ca, but the context trusts public',
    });
    expect(
      certificateVerdict({ ...simple, subjectAltNames: ['pay.example.com'] }, 'api.example.com', cert).why,
    ).toBe('none of subjectAltNames pay.example.com is among its names');
    expect(certificateVerdict(simple, 'api.example.com', { ...cert, expired: true }).why).toBe(
      'issued by public, which the context trusts, but expired before the run',
    );
    expect(certificateVerdict(simple, 'api.example.com', cert).verdict).toBe('accepted');
  });

  it('checks nothing without a CA to verify against', () => {
    expect(
      certificateVerdict({ ...simple, insecureSkipVerify: true }, 'x', { ...cert, issuer: 'other' }),
    ).toEqual({
      verdict: 'not checked',
      why: 'insecureSkipVerify: an empty validation context',
    });
  });
});

describe('pinningNote', () => {
  it('one worker, one connection, and the chance that N connections share a worker', () => {
    expect(pinningNote(5, 1)).toMatch(/one worker holds them all$/);
    // Two connections, two workers: both on one with probability 2·(1/2)² = 1/2; workers used 2·(1 − 1/4) = 1.5.
    expect(pinningNote(2, 2)).toMatch(
      /all 2 share one worker with probability 0\.5, and on average 1\.5 of the 2/,
    );
  });
});
