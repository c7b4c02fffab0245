import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

/** The fenced block that follows `marker` in the README. */
function blockAfter(marker: string, fence: string): string {
  const start = readme.indexOf(marker);
  expect(start, `README has ${marker}`).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf(`\`\`\`${fence}\n`, start);
  const close = readme.indexOf('\n```', open + 1);
  return readme.slice(open + fence.length + 4, close + 1);
}

describe('README', () => {
  it('shows examples/quickstart.ts verbatim, so its library example is the file the test runs', () => {
    const block = blockAfter('<!-- This block is examples/quickstart.ts', 'ts');
    expect(block).toBe(readFileSync('examples/quickstart.ts', 'utf8'));
  });

  it('runs the library example: a third of 200 rps meets the endpoint failing 30 %', async () => {
    const { report } = await import('../examples/quickstart.js');
    const n = report.client.total;
    // 10 minutes at 200 rps, a connection per request: LEAST_REQUEST treats the three alike (same latency,
    // so the same number of open sessions on average), so each request meets the flaky host with
    // probability 1/3 and fails with 0.3 · 1/3 = 0.1: binomial, 99.9 % bound 3.29·sqrt(n·0.1·0.9).
    expect(Math.abs(report.client.errorRate - 0.1)).toBeLessThan((3.29 * Math.sqrt(n * 0.09)) / n);
    const cluster = report.clusters['outbound|443||payments.provider.com']!;
    expect(cluster.proxy).toBe('tcp');
    // Only the flaky host fails, each failure a 503 passed through, and nothing retried.
    expect(cluster.hosts.map((h) => h.appErrors)).toEqual([0, report.client.byStatus['503'], 0]);
    expect(cluster.stats.upstream_rq_retry).toBe(0);
  });

  it('shows examples/flaky-api.test.ts verbatim, so its vitest example is the file vitest runs', () => {
    const block = blockAfter('<!-- This block is examples/flaky-api.test.ts', 'ts');
    expect(block).toBe(readFileSync('examples/flaky-api.test.ts', 'utf8'));
  });

  it('shows examples/trace-invariants.ts verbatim, so its trace example is the file the test runs', () => {
    const block = blockAfter('<!-- This block is examples/trace-invariants.ts', 'ts');
    expect(block).toBe(readFileSync('examples/trace-invariants.ts', 'utf8'));
  });

  it('runs the trace example: its invariants hold and the trace matches the report', async () => {
    // Importing it runs assertInvariants, which throws on any violation.
    const { report, trace } = await import('../examples/trace-invariants.js');
    const count = (type: string) => trace.filter((e) => e.type === type).length;
    expect(count('request')).toBe(report.client.total + report.unfinished);
    expect(count('response')).toBe(report.client.total);
    const cluster = report.clusters['outbound|80||api.flaky.example.com']!;
    expect(count('attempt')).toBe(cluster.stats.upstream_rq_total);
    // The flaky endpoint is ejected (five 503s in a row at 30 %: 0.3⁵ per run of five) a few times.
    expect(count('eject')).toBe(cluster.ejections.length);
    expect(count('eject')).toBeGreaterThan(0);
  });

  it('shows examples/tune-outlier-detection.ts verbatim, so its tune example is the file the test runs', () => {
    const block = blockAfter('<!-- This block is examples/tune-outlier-detection.ts', 'ts');
    expect(block).toBe(readFileSync('examples/tune-outlier-detection.ts', 'utf8'));
  });

  it('runs the tune example: the winner is the quickest and longest ejection, by the mechanism', async () => {
    const { report } = await import('../examples/tune-outlier-detection.js');
    // Under common random numbers configs run alike until one ejects the 503 host; only it fails.
    // consecutive5xxErrors k ejects it at its first k 503s in a row, k+1 later (such a run contains one
    // of k), and 30 s keeps it out past the 20 s run while 5 s lets it back at the next 10 s interval:
    // so on every seed errors fall as k falls and as baseEjectionTime grows, and so do their means.
    const mean = (k: number, time: string) =>
      report.configs.find((c) => c.label === `consecutive5xxErrors=${k}, baseEjectionTime=${time}`)!.means
        .errorRate!;
    for (const time of ['5s', '30s']) {
      expect(mean(1, time)).toBeLessThanOrEqual(mean(2, time));
      expect(mean(2, time)).toBeLessThanOrEqual(mean(3, time));
    }
    for (const k of [1, 2, 3]) expect(mean(k, '30s')).toBeLessThanOrEqual(mean(k, '5s'));
    expect(report.winner?.label).toBe('consecutive5xxErrors=1, baseEjectionTime=30s');
    expect(report.winner?.patch).toContain('consecutive5xxErrors: 1\n');
    expect(report.best[0]!.constraints[0]).toMatchObject({ text: 'p99 < 300ms', met: true });
  });

  it('gives both sacred commands, and .ci/run runs the test one exactly', () => {
    const run = 'npx -y pnpm@10 install && npx -y pnpm@10 meshsim run examples/payment-gateway.yaml';
    const test = 'npx -y pnpm@10 install && npx -y pnpm@10 test';
    expect(readme).toContain(`\`\`\`sh\n${run}\n\`\`\``);
    expect(readme).toContain(`\`\`\`sh\n${test}\n\`\`\``);
    expect(readFileSync('.ci/run', 'utf8')).toContain(`\n${test}\n`);
  });
});

describe('README sample output', () => {
  /** Every line of the README's text block after `marker` appears in what the CLI prints ("..." skips). */
  async function expectSample(marker: string, args: string[]) {
    const block = blockAfter(marker, 'text');
    const { main } = await import('../packages/core/src/cli/main.js');
    let out = '';
    const code = await main(args, { stdout: (t) => (out += t), stderr: () => {} });
    expect(code).toBe(0);
    for (const line of block.split('\n')) if (line !== '...' && line !== '') expect(out).toContain(line);
  }

  it('shows what `meshsim run examples/payment-gateway.yaml` prints', async () => {
    await expectSample('prints:', ['run', 'examples/payment-gateway.yaml']);
  });

  it("shows what a run of Envoy's life-of-a-request example prints", async () => {
    await expectSample('sends `https://acme.com/foo`', [
      'run',
      'examples/envoy/life-of-a-request-scenario.yaml',
      'examples/envoy/life-of-a-request.yaml',
    ]);
  });

  it('shows what `meshsim compare` prints for strict against lenient outlier detection', async () => {
    await expectSample('--vary strict=examples/patches/strict.yaml\n```', [
      'compare',
      'examples/flaky-api.yaml',
      '--vary',
      'lenient=examples/patches/lenient.yaml',
      '--vary',
      'strict=examples/patches/strict.yaml',
    ]);
  });

  it('shows what `meshsim tune` prints for outlier detection over two fields', async () => {
    const outlier = 'spec.trafficPolicy.outlierDetection';
    await expectSample('--html tune.html\n```', [
      'tune',
      'examples/flaky-api.yaml',
      '--vary',
      `${outlier}.consecutive5xxErrors=1..6`,
      '--vary',
      `${outlier}.baseEjectionTime=5s,30s`,
      '--objective',
      'minimize errorRate',
      '--constraint',
      'p99 < 300ms',
      '--seeds',
      '4',
      '-d',
      '20s',
      '-j',
      '1',
    ]);
  });

  it('states the interval widths that `meshsim compare --independent` gives', async () => {
    const { main } = await import('../packages/core/src/cli/main.js');
    const widths: Record<string, Record<string, number>> = {};
    for (const pairing of ['common', 'independent']) {
      let out = '';
      const args = ['compare', 'examples/flaky-api.yaml', '--vary', 'lenient=examples/patches/lenient.yaml'];
      args.push('--vary', 'strict=examples/patches/strict.yaml', '--format', 'json', '--jobs', '1');
      if (pairing === 'independent') args.push('--independent');
      expect(await main(args, { stdout: (t) => (out += t), stderr: () => {} })).toBe(0);
      const report = JSON.parse(out) as {
        metrics: Array<{ metric: string; differences: Array<{ halfWidth: number }> }>;
      };
      widths[pairing] = Object.fromEntries(
        report.metrics.map((m) => [m.metric, 2 * m.differences[0]!.halfWidth]),
      );
    }
    const said = (x: number, digits: number) => expect(readme).toContain(x.toPrecision(digits));
    said(widths.independent!.p99Ms!, 3);
    said(widths.common!.p99Ms!, 3);
    said(widths.independent!.meanMs!, 3);
    said(widths.common!.meanMs!, 3);
    expect(readme).toContain(
      `${(100 * widths.independent!.errorRate!).toPrecision(3)} pp against ${(100 * widths.common!.errorRate!).toPrecision(3)} pp`,
    );
  });

  it('shows what `meshsim run examples/outlier-detection.yaml` prints', async () => {
    await expectSample('npx -y pnpm@10 meshsim run examples/outlier-detection.yaml', [
      'run',
      'examples/outlier-detection.yaml',
    ]);
  });
});
