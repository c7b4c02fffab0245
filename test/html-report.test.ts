import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
/** Set to refresh the README's screenshot from this test (docs/html-report.png). */
const UPDATE_SCREENSHOT = process.env.MESHSIM_UPDATE_SCREENSHOT === '1';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function htmlReport(file: string): Promise<string> {
  const out = join(dir, 'report.html');
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
      'examples/outlier-detection.yaml:41 spec.trafficPolicy.outlierDetection.consecutiveGatewayErrors',
    );
  });
});

// Skipped with the reason in its name when Chromium is missing: never a silent pass.
describe.skipIf(!haveChromium)(
  `meshsim run --format html in headless Chromium${haveChromium ? '' : ` (SKIPPED: ${CHROMIUM} is absent; apt-get install -y chromium)`}`,
  () => {
    it('loads with no console error or failed request, and every chart has data points', async () => {
      const { chromium } = await import('playwright-core');
      // The flaky API's bad host is ejected, returns and is ejected again: every chart has something to draw.
      const file = await htmlReport('examples/flaky-api.yaml');
      const profile = mkdtempSync(join(tmpdir(), 'meshsim-chromium-'));
      // A fresh profile (--user-data-dir, which playwright passes for a persistent context).
      const browser = await chromium.launchPersistentContext(profile, {
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
      try {
        const page = browser.pages()[0] ?? (await browser.newPage());
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
        const canvases = await page.$$eval('.chart canvas', (els) =>
          els.map(
            (e) =>
              (e as unknown as { width: number; height: number }).width *
              (e as unknown as { width: number; height: number }).height,
          ),
        );
        expect(canvases).toHaveLength(charts.length);
        for (const area of canvases) expect(area).toBeGreaterThan(0);
        const shot = await page.screenshot({ fullPage: false });
        expect(shot.length).toBeGreaterThan(10_000);
        if (UPDATE_SCREENSHOT) writeFileSync('docs/html-report.png', shot);
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    });
  },
);
