import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogDir, findCatalogEntry, listCatalog } from '../src/cli/catalog.js';
import type { Report } from '../src/observe/report.js';
import { cli } from './fixtures/cli.js';

const CATALOG = fileURLToPath(new URL('../../scenarios/catalog', import.meta.url));
const FILES = readdirSync(CATALOG)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('meshsim run --catalog', () => {
  it('finds the catalog of @meshsim/scenarios', () => {
    expect(catalogDir()).toBe(CATALOG);
    expect(listCatalog(CATALOG).map((e) => `${e.name}.yaml`)).toEqual(FILES);
  });

  it('list prints every entry, one line each (wrapped under itself past 120 columns), with what it shows', async () => {
    const { code, stdout } = await cli('run', '--catalog', 'list');
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .replace(/\n {2,}/g, ' ')
      .split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(FILES.map((f) => f.slice(0, -'.yaml'.length)));
    for (const line of lines) expect(line).toMatch(/^\d\d-[a-z0-9-]+ +\S.{10,}$/);
  });

  it('runs an entry named NN-name, name or NN, the same run each way', async () => {
    const runs = await Promise.all(
      ['12-legacy-http-service', 'legacy-http-service', '12'].map((name) =>
        cli('run', '--catalog', name, '--format', 'json', '--duration', '5s'),
      ),
    );
    for (const r of runs) expect(r.code).toBe(0);
    const report = JSON.parse(runs[0]!.stdout) as Report;
    expect(report.scenario).toBe('legacy-service-unrouted-paths');
    expect(report.client.total).toBeGreaterThan(0);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
  });

  it('an unknown name is a usage error that lists the catalog', async () => {
    const { code, stdout, stderr } = await cli('run', '--catalog', 'no-such-scenario');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no catalog scenario no-such-scenario');
    for (const f of FILES) expect(stderr).toContain(f.slice(0, -'.yaml'.length));
  });

  it('FILEs and --catalog together, or neither, are usage errors', async () => {
    expect((await cli('run', 'examples/payment-gateway.yaml', '--catalog', '12')).code).toBe(2);
    expect((await cli('run')).code).toBe(2);
  });

  it('an entry is found by its name without the number, and its warnings go to stderr', async () => {
    const { code, stdout, stderr } = await cli('run', '--catalog', 'onprem-database');
    expect(code).toBe(0);
    expect(stdout).toContain('10.20.0.5:5432');
    expect(stderr).toContain('01-onprem-database.yaml');
    expect(stderr).toContain('addresses are required');
  });

  it('a name matches whole: no prefix or substring matches', () => {
    const entries = listCatalog(CATALOG);
    expect(findCatalogEntry(entries, 'legacy')).toBeUndefined();
    expect(findCatalogEntry(entries, '1')).toBeUndefined();
    expect(findCatalogEntry(entries, '05')?.name).toBe('05-external-api-with-health');
  });
});
