import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type HostReport, hostFailures, hostRequests, simulate } from '@meshsim/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';
import { type chartData, formatReportHtml } from '../packages/core/src/render/html-report.js';
import { formatReportTable } from '../packages/core/src/render/report-table.js';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
/** Set to refresh the README's screenshot from this test (docs/html-report.png). */
const UPDATE_SCREENSHOT = process.env.MESHSIM_UPDATE_SCREENSHOT === '1';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function htmlReport(file: string, out = join(dir, 'report.html')): Promise<string> {
  const code = await main(['run', file, '--format', 'html', '--output', out, '--quiet'], {
    stdout: () => {},
    stderr: () => {},
  });
  expect(code).toBe(0);
  return out;
}

describe('meshsim run --format html: the file itself', () => {
  it('is one self-contained file: uPlot inlined, no src= or href= to load, the data embedded', async () => {
    const html = readFileSync(await htmlReport('examples/outlier-detection.yaml'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).toContain('uPlot');
    expect(html).toContain('id="meshsim-data"');
    // The ejection events and the "why" with the line of consecutiveGatewayErrors.
    expect(html).toContain('198.51.100.2 ejected: 3 consecutive gateway errors');
    expect(html).toContain(
      'examples/outlier-detection.yaml:42 spec.trafficPolicy.outlierDetection.consecutiveGatewayErrors',
    );
    // Istio's default limits (2^32 - 1) are never reached: no breaker chart, a sentence instead.
    expect(html).not.toContain('id="chart-breakers"');
    expect(html).toContain('No circuit breaker reached its limit');
  });

  it("embeds each open breaker's share of every bucket next to the 5xx rate, and a table per cluster", () => {
    // The case of test/circuit-breaker-gauges.test.ts: maxConnections 1, http1MaxPendingRequests 1, two
    // clients at t = 0 on a cold pool, 1 ms rtt, 10 ms server. A pends (rq_pending_open 1 ms, until
    // connected) and holds the one connection, kept alive to the end of the 1 s run (cx_open 1000 ms);
    // B is refused 503 UO. 20 ms buckets: 50 of them; bucket 0 answers A and B, so its 5xx rate is 1/2,
    // cx_open is 1 in every bucket, rq_pending_open 1/20 = 0.05 of bucket 0 and 0 afterwards.
    const report = simulate({
      config: hostsYaml(
        1,
        'connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRetries: 1 } }',
      ),
      seed: 3,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 2, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '10ms' } } },
      report: { timelineBucket: '20ms' },
    });
    const html = formatReportHtml(report);
    const embedded = html.match(/<script id="meshsim-data" type="application\/json">(.*?)<\/script>/s);
    const data = JSON.parse(embedded![1]!) as ReturnType<typeof chartData>;
    expect(data.t).toHaveLength(50);
    expect(data.series.errorRate.slice(0, 2)).toEqual([0.5, 0]);
    // Only the gauges that opened, in Envoy's order; zero where closed all bucket long.
    expect(data.series.breakersOpen).toEqual({
      cx_open: Array(50).fill(1),
      rq_pending_open: [0.05, ...Array(49).fill(0)],
    });
    expect(html).toContain('<div class="chart" id="chart-breakers"></div>');
    // The per-cluster table: time open as `meshsim run` prints it (s, ms precision), openings, state at the end.
    expect(html).toContain(
      `<tr><td>${CLUSTER}</td><td>circuit_breakers.default.cx_open</td><td>1.000 s</td><td class="n">1</td><td>open</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>${CLUSTER}</td><td>circuit_breakers.default.rq_pending_open</td><td>0.001 s</td><td class="n">1</td><td>closed</td></tr>`,
    );
  });

  it('counts each host as the table does: on a tcp-proxied port, the requests its connections carried and their failures', () => {
    // examples/payment-gateway.yaml: port 443 is tcp-proxied and 203.0.113.20 answers 503 to 30 % of
    // requests. Envoy's host rq_error never sees those 503s; the application does, and so must every view.
    const report = simulate({ config: readFileSync('examples/payment-gateway.yaml', 'utf8') });
    const cluster = report.clusters['outbound|443||payments.provider.com']!;
    expect(cluster.proxy).toBe('tcp');
    const flaky = cluster.hosts.find((h) => h.address === '203.0.113.20:443')!;
    const failed = hostFailures(cluster, flaky);
    // About 30 % of its third of the requests: a count the HTML once showed as 0.
    expect(failed / hostRequests(cluster, flaky)).toBeGreaterThan(0.27);
    expect(failed / hostRequests(cluster, flaky)).toBeLessThan(0.33);
    const html = formatReportHtml(report);
    // The hosts table's row of each host: cluster, host, requests, share, failed, ejections, time ejected.
    const cells = (h: HostReport) =>
      [...html.matchAll(/<tr>(.*?)<\/tr>/g)]
        .map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]))
        .find((r) => r[1] === h.address && r[0] === 'outbound|443||payments.provider.com');
    for (const h of cluster.hosts) {
      expect(cells(h)?.slice(2, 5)).toEqual([
        String(hostRequests(cluster, h)),
        expect.stringMatching(/ %$/),
        String(hostFailures(cluster, h)),
      ]);
    }
    expect(cells(flaky)?.[4]).toBe(String(failed));
    const embedded = html.match(/<script id="meshsim-data" type="application\/json">(.*?)<\/script>/s);
    const data = JSON.parse(embedded![1]!) as ReturnType<typeof chartData>;
    expect(data.hosts).toEqual(
      cluster.hosts.map((h) => ({
        address: h.address,
        requests: hostRequests(cluster, h),
        failures: hostFailures(cluster, h),
      })),
    );
    // The table report prints the same count in the host's row.
    const line = formatReportTable(report)
      .split('\n')
      .find((l) => l.includes('203.0.113.20:443'))!;
    expect(line.split('│').map((c) => c.trim())).toContain(String(failed));
  });
});

/** maxConnections 1 and one pending request, bursts of 100 rps against a 40 ms server: breakers open and 503 UO. */
const BURSTS_YAML = `${hostsYaml(
  1,
  'connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, idleTimeout: 200ms } }',
)}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: one-connection-bursts }
spec:
  seed: 1
  duration: 12s
  report: { timelineBucket: 250ms }
  endpoints: { "*": { latency: { constant: 40ms } } }
  traffic:
    - { host: api.example.com, port: 80, rps: 2, arrivals: constant, bursts: { every: 4s, length: 1s, rps: 100 } }
`;

interface Loaded {
  problems: string[];
  requests: string[];
  charts: Array<{ id: string; title: string; points: number }>;
  /** Canvas area (px²) and legend labels, per chart id. */
  canvases: Record<string, number>;
  legends: Record<string, string[]>;
  screenshot: Buffer;
}

// Skipped with the reason in its name when Chromium is missing: never a silent pass.
describe.skipIf(!haveChromium)(
  `meshsim run --format html in headless Chromium${haveChromium ? '' : ` (SKIPPED: ${CHROMIUM} is absent; apt-get install -y chromium)`}`,
  () => {
    let browser: import('playwright-core').BrowserContext | undefined;
    const profile = mkdtempSync(join(tmpdir(), 'meshsim-chromium-'));
    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      // A fresh profile (--user-data-dir, which playwright passes for a persistent context).
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        viewport: { width: 1200, height: 1500 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
    });

    async function load(file: string): Promise<Loaded> {
      const page = await browser!.newPage();
      try {
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.waitForFunction(
          () => (globalThis as unknown as { meshsimCharts?: unknown }).meshsimCharts !== undefined,
        );
        const charts = await page.evaluate(
          () =>
            (globalThis as unknown as { meshsimCharts: Array<{ id: string; title: string; points: number }> })
              .meshsimCharts,
        );
        const drawn = await page.$$eval('.chart', (els) =>
          els.map((el) => {
            const canvas = el.querySelector('canvas') as unknown as { width: number; height: number } | null;
            const labels = [...el.querySelectorAll('.u-legend .u-series .u-label')].map(
              (l) => l.textContent ?? '',
            );
            return { id: el.id, area: canvas === null ? 0 : canvas.width * canvas.height, labels };
          }),
        );
        const screenshot = await page.screenshot({ fullPage: false });
        return {
          problems,
          requests,
          charts,
          canvases: Object.fromEntries(drawn.map((d) => [d.id, d.area])),
          legends: Object.fromEntries(drawn.map((d) => [d.id, d.labels])),
          screenshot,
        };
      } finally {
        await page.close();
      }
    }

    it('loads with no console error or failed request, and every chart has data points', async () => {
      // The flaky API's bad host is ejected, returns and is ejected again: every chart has something to draw.
      const file = await htmlReport('examples/flaky-api.yaml');
      const { problems, requests, charts, canvases, screenshot } = await load(file);
      expect(problems).toEqual([]);
      // Only the file itself: the page fetches nothing.
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(charts.map((c) => c.id)).toEqual([
        'chart-rate',
        'chart-errors',
        'chart-p99',
        'chart-ejected',
        'chart-pool',
        'chart-hosts',
        'chart-lanes',
      ]);
      for (const c of charts) expect(c.points, c.title).toBeGreaterThan(0);
      // Each chart drew a canvas of its full size.
      expect(Object.keys(canvases)).toHaveLength(charts.length);
      for (const [id, area] of Object.entries(canvases)) expect(area, id).toBeGreaterThan(0);
      expect(screenshot.length).toBeGreaterThan(10_000);
      if (UPDATE_SCREENSHOT) writeFileSync('docs/html-report.png', screenshot);
    });

    it('draws when each circuit breaker was open against the 5xx rate, one legend entry per open gauge', async () => {
      const yaml = join(dir, 'bursts.yaml');
      writeFileSync(yaml, BURSTS_YAML);
      const file = await htmlReport(yaml, join(dir, 'bursts.html'));
      const { problems, requests, charts, canvases, legends } = await load(file);
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      // No outlier detection, so no ejection lanes.
      expect(charts.map((c) => c.id)).toEqual([
        'chart-rate',
        'chart-errors',
        'chart-p99',
        'chart-ejected',
        'chart-pool',
        'chart-breakers',
        'chart-hosts',
      ]);
      // cx_open opens with the first connection (1 = maxConnections) and rq_pending_open as the first
      // request waits for it (1 pending = http1MaxPendingRequests); rq_open and rq_retry_open keep Istio's
      // limits of 2^32 - 1, and cx_pool_open never opens under Istio: two gauges, then the 5xx line.
      expect(legends['chart-breakers']).toEqual([
        't (s)',
        'cx_open',
        'rq_pending_open',
        '5xx (share of requests)',
      ]);
      // 12 s in 250 ms buckets = 48, every series valued in each: 3 × 48 points. No drain bucket: the rate
      // integrates to 3 × (100 + 3 × 2) = 318 over 12 s, so the 317th and last arrival is at 11.5 s,
      // answered 40 ms later (the CLI reports 317 requests).
      const breakers = charts.find((c) => c.id === 'chart-breakers')!;
      expect(breakers.points).toBe(3 * 48);
      expect(canvases['chart-breakers']).toBeGreaterThan(0);
    });
  },
);
