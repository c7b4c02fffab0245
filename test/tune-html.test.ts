import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTuneHtml } from '../packages/core/src/render/tune-html.js';
import type { TuneReport } from '../packages/core/src/tune/report.js';
import { tune } from '../packages/core/src/tune/tune.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
/** Set to refresh the docs' screenshot of the tune page (docs/tune-surface.png). */
const UPDATE_SCREENSHOT = process.env.MESHSIM_UPDATE_SCREENSHOT === '1';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-tune-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two fields and two objectives: every chart of the page has something to draw.
let report: TuneReport;
beforeAll(async () => {
  report = await tune(
    {
      config: { file: 'examples/flaky-api.yaml', text: readFileSync('examples/flaky-api.yaml', 'utf8') },
      duration: '10s',
    },
    {
      vary: [
        'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..6',
        'spec.trafficPolicy.outlierDetection.baseEjectionTime=5s,10s,30s',
      ],
      objectives: ['minimize errorRate', 'minimize ejections'],
      search: 'lhs',
      samples: 12,
      seeds: 4,
    },
    { threads: 1 },
  );
});

describe('the tune page, as a file', () => {
  it('is self-contained and embeds every config that ran', () => {
    const html = formatTuneHtml(report);
    expect(html).not.toMatch(/\s(src|href)=/);
    const data = JSON.parse(
      /<script id="meshsim-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!,
    );
    const [first] = data.objectives;
    // Each config is drawn once per axis chart: dropped, last rung and the winner (drawn again on top).
    const { dropped, last, winner } = first.byAxis[0];
    expect(dropped[0].length + last[0].length).toBe(report.configs.length);
    expect(winner[0]).toHaveLength(1);
    expect(data.pareto.front[0]).toHaveLength(report.pareto!.length);
    // baseEjectionTime is a duration: placed in seconds.
    expect(data.axes[1]).toMatchObject({ positions: [5, 10, 30], unit: 's' });
  });
});

describe.skipIf(!haveChromium)(
  `the tune page in headless Chromium${haveChromium ? '' : ` (SKIPPED: ${CHROMIUM} is absent; apt-get install -y chromium)`}`,
  () => {
    it('loads with no console error or request, and every chart has its points', async () => {
      const file = join(dir, 'tune.html');
      writeFileSync(file, formatTuneHtml(report));
      const { chromium } = await import('playwright-core');
      const profile = mkdtempSync(join(tmpdir(), 'meshsim-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        viewport: { width: 1200, height: 1500 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const charts = await page.evaluate(() =>
          (
            globalThis as unknown as { meshsimCharts: Array<{ id: string; points: number }> }
          ).meshsimCharts.map((c) => ({ id: c.id, points: c.points })),
        );
        const areas = await page.$$eval('.chart', (els) =>
          els.map((el) => {
            const canvas = el.querySelector('canvas') as unknown as { width: number; height: number } | null;
            return canvas === null ? 0 : canvas.width * canvas.height;
          }),
        );
        if (UPDATE_SCREENSHOT)
          writeFileSync('docs/tune-surface.png', await page.screenshot({ fullPage: false }));
        expect(problems).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);
        // Per objective: two axis charts and the surface; then the Pareto chart.
        expect(charts.map((c) => c.id)).toEqual([
          'chart-0-axis-0',
          'chart-0-axis-1',
          'chart-0-surface',
          'chart-1-axis-0',
          'chart-1-axis-1',
          'chart-1-surface',
          'chart-pareto',
        ]);
        const n = report.configs.length;
        expect(charts.find((c) => c.id === 'chart-0-axis-0')!.points).toBe(n + 1);
        expect(charts.find((c) => c.id === 'chart-pareto')!.points).toBe(
          report.configs.filter((c) => c.rung === report.rungs.length - 1).length + report.pareto!.length + 1,
        );
        expect(areas.every((a) => a > 0)).toBe(true);
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    });
  },
);
