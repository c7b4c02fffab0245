import { readFileSync } from 'node:fs';
import { type Analysis, analyzeConfig, type Finding } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../packages/core/test/fixtures/cli.js';

// One fixture per finding code in test/fixtures/analyze; each is analyzed as written and with the fix
// applied, which must silence it: a finding stands only on what its probe showed.
const DIR = 'test/fixtures/analyze';
const read = (name: string) => readFileSync(`${DIR}/${name}`, 'utf8');
const analyze = (name: string, text = read(name)): Analysis =>
  analyzeConfig([{ file: `${DIR}/${name}`, text }]);
const codes = (a: Analysis) => a.findings.map((f) => f.code);
const only = (a: Analysis, code: string): Finding => {
  const found = a.findings.filter((f) => f.code === code);
  expect(found, code).toHaveLength(1);
  return found[0]!;
};
/** The 1-based line of the first line of `name` containing `text`. */
const lineOf = (name: string, text: string) =>
  read(name)
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

describe('meshsim analyze findings, each proven by its probe', () => {
  it('MSH0001 and MSH0002: maxEjectionPercent 0 is Envoy’s 10 %, which lets none of 3 hosts out', () => {
    const name = 'msh0001-0002-max-ejection-zero.yaml';
    const a = analyze(name);
    const never = only(a, 'MSH0001');
    expect(never).toMatchObject({
      level: 'Error',
      line: lineOf(name, 'maxEjectionPercent'),
      field: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent',
    });
    // 100 × (0 + 1) / 3 = 33 > 10: every ejection is refused, and 34 is the least cap that admits one.
    expect(never.probe.figures).toMatchObject({ hosts: 3, 'outlier_detection.ejections_enforced_total': 0 });
    expect(never.probe.figures['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    expect(never.fix).toContain('at least 34');
    const zero = only(a, 'MSH0002');
    expect(zero.probe.figures).toMatchObject({ hosts: 3, failingHosts: 2, ejectedAtOnce: 0 });
    expect(
      codes(analyze(name, read(name).replace('maxEjectionPercent: 0', 'maxEjectionPercent: 34'))),
    ).not.toContain('MSH0001');
  });

  it('MSH0003: retries and a timeout on an HTTPS port never run', () => {
    const name = 'msh0003-http-on-tcp-port.yaml';
    const f = only(analyze(name), 'MSH0003');
    expect(f).toMatchObject({
      level: 'Error',
      resource: { kind: 'VirtualService', name: 'api' },
      field: 'spec.http[0].retries',
    });
    expect(f.probe.figures.failedUnretried).toBeGreaterThan(0);
    expect(f.probe.figures.timedOutUT).toBe(0);
    expect(f.message).toMatch(/took up to 60(\.\d+)? s, past the route timeout of 2s/);
    expect(codes(analyze(name, read(name).replace('protocol: HTTPS', 'protocol: HTTP')))).not.toContain(
      'MSH0003',
    );
  });

  it('MSH0004: a per-try timeout equal to the route timeout never fires', () => {
    const name = 'msh0004-per-try-timeout.yaml';
    const f = only(analyze(name), 'MSH0004');
    expect(f).toMatchObject({ level: 'Warning', line: lineOf(name, 'perTryTimeout') });
    expect(f.probe.figures.upstream_rq_per_try_timeout).toBe(0);
    expect(f.probe.figures.timedOutUT).toBeGreaterThan(0);
    expect(f.fix).toContain('333.3 ms'); // 1 s / (2 attempts + 1)
    expect(codes(analyze(name, read(name).replace('perTryTimeout: 1s', 'perTryTimeout: 300ms')))).toEqual([]);
  });

  it('MSH0005: minHealthPercent 70 with 3 hosts sends traffic to the ejected one (2/3 = 67 % < 70 %)', () => {
    const name = 'msh0005-panic-hides-ejections.yaml';
    const f = only(analyze(name), 'MSH0005');
    expect(f.probe.figures).toMatchObject({ hosts: 3, minHealthPercent: 70 });
    expect(f.probe.figures.attemptsToEjectedHost).toBeGreaterThan(0);
    expect(
      codes(analyze(name, read(name).replace('minHealthPercent: 70', 'minHealthPercent: 60'))),
    ).not.toContain('MSH0005');
  });

  it('MSH0006: maxConnections 2 with one pending request overflows at half its load', () => {
    const name = 'msh0006-breakers-at-modest-load.yaml';
    const f = only(analyze(name), 'MSH0006');
    expect(f).toMatchObject({ field: 'spec.trafficPolicy.connectionPool.tcp.maxConnections' });
    // Little's law: half of 2 requests in flight at the probe's 50.8 ms mean latency is 19.7 a second.
    expect(f.probe.figures).toMatchObject({ limit: 2, rps: 19.7 });
    expect(f.probe.figures.answeredUO).toBeGreaterThan(0);
    const roomy = read(name)
      .replace('maxConnections: 2', 'maxConnections: 100')
      .replace('http1MaxPendingRequests: 1', 'http1MaxPendingRequests: 100');
    expect(codes(analyze(name, roomy))).toEqual([]);
  });

  it('MSH0007: DNS_ROUND_ROBIN with outlier detection answers 503 UH after the address recovered', () => {
    const name = 'msh0007-logical-dns-ejection.yaml';
    const f = only(analyze(name), 'MSH0007');
    expect(f.probe.figures.answeredUHAfterRecovery).toBeGreaterThan(0);
    expect(
      codes(analyze(name, read(name).replace('resolution: DNS_ROUND_ROBIN', 'resolution: DNS'))),
    ).not.toContain('MSH0007');
  });

  it('MSH0008: failover without outlier detection keeps sending to the locality that is down', () => {
    const name = 'msh0008-failover-without-outlier-detection.yaml';
    const f = only(analyze(name), 'MSH0008');
    expect(f).toMatchObject({ level: 'Error', line: lineOf(name, 'failover:') });
    expect(f.probe.figures.attemptsToDownLocality).toBeGreaterThan(0);
    const withOd = read(name).replace(
      '    loadBalancer:',
      '    outlierDetection: { consecutiveGatewayErrors: 2, maxEjectionPercent: 100 }\n    loadBalancer:',
    );
    expect(codes(analyze(name, withOd))).not.toContain('MSH0008');
  });

  it('MSH0009: a retryOn without 5xx lets every 503 that trips outlier detection through', () => {
    const name = 'msh0009-retry-versus-outlier.yaml';
    const f = only(analyze(name), 'MSH0009');
    expect(f).toMatchObject({ level: 'Warning', resource: { kind: 'VirtualService' } });
    expect(f.probe.figures.upstream_rq_retry).toBe(0);
    expect(f.probe.figures.answered503).toBeGreaterThan(0);
    expect(
      codes(
        analyze(name, read(name).replace('connect-failure,refused-stream', 'gateway-error,connect-failure')),
      ),
    ).toEqual([]);
  });

  it('MSH0010: kept-alive DNS_ROUND_ROBIN connections stay on the old addresses after the name moves', () => {
    const name = 'msh0007-logical-dns-ejection.yaml';
    const f = only(analyze(name), 'MSH0010');
    expect(f).toMatchObject({
      resource: { kind: 'ServiceEntry' },
      field: 'spec.resolution',
      line: lineOf(name, 'resolution:'),
    });
    // Had traffic moved when Envoy re-resolved (TTL 2 s after the move at 1 s), the old addresses would
    // have had 3 s of the 11 s.
    expect(f.probe.figures.shareIfTrafficFollowedDns).toBe('27.27 %');
    const { requestsToOldAddresses, clientRequests } = f.probe.figures as Record<string, number>;
    expect(requestsToOldAddresses! / clientRequests!).toBeGreaterThan(2 * (3 / 11));
    const bounded = read(name).replace(
      '  trafficPolicy:\n',
      '  trafficPolicy:\n    connectionPool:\n      tcp: { maxConnectionDuration: 2s }\n',
    );
    expect(codes(analyze(name, bounded))).not.toContain('MSH0010');
  });

  it('finds nothing in examples/ci’s well-sized config', () => {
    const text = readFileSync('examples/ci/istio/quotes-api.yaml', 'utf8');
    const a = analyzeConfig([{ file: 'quotes-api.yaml', text }]);
    expect(a.findings).toEqual([]);
    expect(a.probes).toBeGreaterThan(0);
  });
});

describe('meshsim analyze, the command', () => {
  it('exits as istioctl analyze: 79 at the failure threshold, 0 under it, 65 on unparsable input, 64 on bad usage', async () => {
    const warning = `${DIR}/msh0004-per-try-timeout.yaml`;
    expect((await cli('analyze', warning)).code).toBe(0);
    expect((await cli('analyze', warning, '--failure-threshold', 'warning')).code).toBe(79);
    expect((await cli('analyze', `${DIR}/msh0003-http-on-tcp-port.yaml`)).code).toBe(79);
    expect((await cli('analyze', 'examples/patches/lenient.yaml')).code).toBe(65);
    expect((await cli('analyze', warning, '--failure-threshold', 'fatal')).code).toBe(64);
    expect((await cli('analyze', warning, '--bogus')).code).toBe(64);
  });

  it('prints the findings as istioctl’s log lines, or as JSON and YAML records', async () => {
    const file = `${DIR}/msh0009-retry-versus-outlier.yaml`;
    const log = await cli('analyze', file);
    expect(log.stdout).toMatch(
      new RegExp(`^Warning \\[MSH0009\\] \\(VirtualService shop/api ${file}:\\d+\\) outlier detection`),
    );
    expect(log.stdout).toContain('    see docs/analyze.md#msh0009');
    const json = JSON.parse((await cli('analyze', file, '-o', 'json')).stdout);
    const yaml = parse((await cli('analyze', file, '-o', 'yaml')).stdout);
    expect(yaml).toEqual(json);
    expect(json[0]).toMatchObject({
      code: 'MSH0009',
      level: 'Warning',
      origin: 'VirtualService shop/api',
      documentationUrl: 'docs/analyze.md#msh0009',
    });
    expect((await cli('analyze', file, '--output-threshold', 'Error')).stdout).toBe('');
  });

  it('prints what the README shows for the catalog’s rate-limited API', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const command = 'npx -y pnpm@10 meshsim analyze packages/scenarios/catalog/13-rate-limited-api.yaml';
    const block = readme.slice(readme.indexOf(command)).split('```text\n')[1]!.split('\n```')[0]!;
    const { code, stdout } = await cli(...command.split(' ').slice(4));
    expect(code).toBe(79);
    for (const line of block.split('\n')) if (line !== '...') expect(stdout).toContain(line);
  });
});
