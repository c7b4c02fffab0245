import { planSimulation, runPlan, type ScenarioSpecInput, simulate, whyNotes } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

/** No retries, so each request is one connect: the counts below follow from the requests alone. */
const NO_RETRIES = virtualServiceYaml(
  '- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 0 }',
);

type Endpoints = NonNullable<ScenarioSpecInput['endpoints']>;

const run = (policy: string, endpoints: Endpoints, extra: Partial<ScenarioSpecInput> = {}) =>
  simulate({
    config: hostsYaml(1, policy) + NO_RETRIES,
    seed: 5,
    duration: '10s',
    proxy: { workers: 1 },
    network: { rtt: '10ms' },
    traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
    endpoints,
    ...extra,
  });

type CertificateInput = NonNullable<Endpoints[string]['certificate']>;

const withCert = (certificate: CertificateInput): Endpoints => ({
  '*': { latency: { constant: '5ms' }, certificate },
});

describe('server certificates against the TLS context (DefaultCertValidator)', () => {
  it('a certificate without the host fails auto_san_validation: every connect fails UF, ssl.fail_verify_san counts each', () => {
    const r = run('tls: { mode: SIMPLE }', withCert({ subjectAltNames: ['other.example.com'] }));
    // Each request: TCP 10 ms, then the server's first flight 10 ms later fails the handshake, 503 UF
    // at 20 ms; then 1 s of thinking. Requests at 1.02 s × k for k = 0…9: 10 requests, 10 connects.
    expect(r.client.total).toBe(10);
    expect(r.client.byStatus).toEqual({ 503: 10 });
    expect(r.client.byFlag).toEqual({ UF: 10 });
    expect(r.client.latencyMs.max).toBe(20);
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats.upstream_cx_connect_fail).toBe(10);
    expect(stats['ssl.fail_verify_san']).toBe(10);
    expect(stats['ssl.fail_verify_error']).toBeUndefined();
  });

  it('the why note names the endpoint whose certificate is rejected', () => {
    const config = `${hostsYaml(1, 'tls: { mode: SIMPLE }')}${NO_RETRIES}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: wrong-name }
spec:
  duration: 10s
  proxy: { workers: 1 }
  network: { rtt: 10ms }
  endpoints:
    "*": { latency: { constant: 5ms }, certificate: { subjectAltNames: [other.example.com] } }
  traffic:
    - { host: api.example.com, port: 80, clients: 1, thinkTime: 1s }
`;
    const { plan, loaded } = planSimulation({ config });
    const notes = whyNotes(runPlan(plan!), { plan: plan!, loaded }).map((n) => n.text);
    expect(notes).toContain(
      "10.0.0.1:80 took 0 requests and failed 10: the Scenario's endpoint presents a certificate the TLS context rejects (cluster-wide ssl.fail_verify_san 10)",
    );
  });

  it('a wildcard SAN covers one label; the ServiceEntry host with `sni` set is not checked', () => {
    const wildcard = run('tls: { mode: SIMPLE }', withCert({ subjectAltNames: ['*.example.com'] }));
    expect(wildcard.client.byStatus).toEqual({ 200: 10 });
    const deeper = run('tls: { mode: SIMPLE }', withCert({ subjectAltNames: ['*.com'] }));
    expect(deeper.clusters[CLUSTER]!.stats['ssl.fail_verify_san']).toBe(10);
    // sni set: no auto_sni, so no auto_san_validation; no subjectAltNames: any name the CA signed passes.
    const sni = run('tls: { mode: SIMPLE, sni: api.example.com }', withCert({ subjectAltNames: ['x.test'] }));
    expect(sni.client.byStatus).toEqual({ 200: 10 });
    // subjectAltNames set: match_subject_alt_names must find one of them.
    const named = run(
      'tls: { mode: SIMPLE, sni: api.example.com, subjectAltNames: [pay.example.com] }',
      withCert({ subjectAltNames: ['api.example.com'] }),
    );
    expect(named.clusters[CLUSTER]!.stats['ssl.fail_verify_san']).toBe(10);
  });

  it('trust: a private CA fails system roots (fail_verify_error) and passes when caCertificates names it', () => {
    const cert = withCert({ subjectAltNames: ['api.example.com'], issuer: '/etc/certs/partner-ca.pem' });
    const system = run('tls: { mode: SIMPLE }', cert);
    expect(system.client.byStatus).toEqual({ 503: 10 });
    expect(system.clusters[CLUSTER]!.stats['ssl.fail_verify_error']).toBe(10);
    expect(system.clusters[CLUSTER]!.stats['ssl.fail_verify_san']).toBeUndefined();
    const pinned = run('tls: { mode: SIMPLE, caCertificates: /etc/certs/partner-ca.pem }', cert);
    expect(pinned.client.byStatus).toEqual({ 200: 10 });
    // insecureSkipVerify: an empty validation context, nothing is checked (an expired, foreign one too).
    const skip = run(
      'tls: { mode: SIMPLE, insecureSkipVerify: true }',
      withCert({ subjectAltNames: ['x.test'], issuer: 'nobody', expired: true }),
    );
    expect(skip.client.byStatus).toEqual({ 200: 10 });
  });

  it('Istio 1.20 verifies nothing without caCertificates (VERIFY_CERTIFICATE_AT_CLIENT was off)', () => {
    const bad = withCert({ subjectAltNames: ['x.test'], issuer: 'nobody', expired: true });
    const old = run('tls: { mode: SIMPLE }', bad, { proxy: { workers: 1, istioVersion: '1.20' } });
    expect(old.client.byStatus).toEqual({ 200: 10 });
    const current = run('tls: { mode: SIMPLE }', bad, { proxy: { workers: 1, istioVersion: '1.21' } });
    expect(current.clusters[CLUSTER]!.stats['ssl.fail_verify_error']).toBe(10);
  });

  it('a certificate that expires mid-run fails every full handshake from then on', () => {
    // A connection per request (TLS 1.3, a full handshake each): 35 ms each (TCP 10 + TLS 10 + request
    // 10 + server 5) until 5 s, at 1.035 s × k for k = 0…4. The next, at 5.175 s, fails in 20 ms; then
    // at 6.195, 7.215, 8.235, 9.255 s: 5 × 200, 5 × 503 UF.
    const r = run(
      '{ tls: { mode: SIMPLE }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }',
      withCert({ subjectAltNames: ['api.example.com'], notAfter: '5s' }),
    );
    expect(r.client.byStatus).toEqual({ 200: 5, 503: 5 });
    expect(r.clusters[CLUSTER]!.stats['ssl.fail_verify_error']).toBe(5);
    // notBefore: not yet valid until 3 s: requests at 0, 1.02, 2.04 fail; 3.06 s on succeed.
    const early = run(
      '{ tls: { mode: SIMPLE }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }',
      withCert({ subjectAltNames: ['api.example.com'], notBefore: '3s' }),
    );
    expect(early.client.byStatus).toEqual({ 200: 7, 503: 3 });
  });

  it('a timeline `becomes` keeps the certificate: it is not a timeline field', () => {
    const r = run('tls: { mode: SIMPLE }', withCert({ subjectAltNames: ['other.example.com'] }), {
      timeline: [{ at: '5s', endpoint: '10.0.0.1', becomes: { latency: { constant: '5ms' } } }],
    });
    expect(r.client.byStatus).toEqual({ 503: 10 });
    expect(r.clusters[CLUSTER]!.stats['ssl.fail_verify_san']).toBe(10);
  });

  it('a resumed TLS 1.2 session carries no certificate, so expiry goes unnoticed on the same server', () => {
    const r = run('{ tls: { mode: SIMPLE }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }', {
      '*': {
        latency: { constant: '5ms' },
        tlsMaxProtocolVersion: 'TLSV1_2',
        certificate: { subjectAltNames: ['api.example.com'], notAfter: '5s' },
      },
    });
    expect(r.client.byStatus).toEqual({ 200: r.client.total });
    expect(r.clusters[CLUSTER]!.stats['ssl.fail_verify_error']).toBeUndefined();
  });
});

describe('certificate failures and outlier detection', () => {
  it('connect failures are local-origin errors: the host is ejected after consecutive5xxErrors of them', () => {
    // Round robin over .1 (a good certificate) and .2 (another host's). Without split local-origin errors,
    // Envoy counts a failed connect as a 5xx: .2's second failure ejects it for the rest of the run.
    const r = simulate({
      config:
        hostsYaml(
          2,
          '{ tls: { mode: SIMPLE }, loadBalancer: { simple: ROUND_ROBIN }, outlierDetection: { consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 1m, maxEjectionPercent: 100 } }',
        ) + NO_RETRIES,
      seed: 5,
      duration: '10s',
      proxy: { workers: 1 },
      network: { rtt: '10ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: {
        '10.0.0.1': { latency: { constant: '5ms' }, certificate: { subjectAltNames: ['api.example.com'] } },
        '10.0.0.2': { latency: { constant: '5ms' }, certificate: { subjectAltNames: ['db.example.com'] } },
      },
    });
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats['ssl.fail_verify_san']).toBe(2);
    expect(r.client.byStatus[503]).toBe(2);
    const bad = r.clusters[CLUSTER]!.hosts.find((h) => h.address === '10.0.0.2:80')!;
    expect(bad.ejections).toBe(1);
  });
});

describe('a certificate no handshake checks', () => {
  const cert = withCert({ subjectAltNames: ['other.example.com'] });
  const said = (r: { warnings: string[] }) => r.warnings.filter((w) => w.includes('is never checked'));

  it('is warned about where the clusters that reach it originate no TLS, and changes nothing', () => {
    const r = run('', cert);
    expect(said(r)).toEqual([
      '<simulate spec> warning spec.endpoints["*"].certificate: is never checked: cluster outbound|80||api.example.com originates no TLS to this endpoint (no DestinationRule tls), so no handshake presents it to Envoy\'s certificate validator',
    ]);
    // Plaintext: the wrong name fails nothing.
    expect(r.client.byStatus).toEqual({ 200: r.client.total });
  });

  it('is not warned about where a cluster checks it', () => {
    expect(said(run('tls: { mode: SIMPLE }', cert))).toEqual([]);
  });
});
