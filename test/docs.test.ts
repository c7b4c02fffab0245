// What a user reads is complete and points only at what a user has: the report reference names every
// field a report carries, and no shipped file cites the project's private notes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { reportDocument, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { planSimulation } from '../packages/core/src/simulate.js';

/** Fields whose keys are data (statuses, flags, stat names, addresses, gauges, cluster names). */
const MAPS = new Set([
  'byStatus',
  'byFlag',
  'stats',
  'requestsByAddress',
  'circuitBreakers',
  'breakersOpen',
  'clusters',
]);

/** Every field name in `value`, below map fields only their entries' own fields. */
function fieldNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) fieldNames(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      out.add(key);
      if (!MAPS.has(key)) fieldNames(child, out);
      else if (key === 'clusters' || key === 'circuitBreakers')
        for (const entry of Object.values(child as object)) fieldNames(entry, out);
    }
  }
  return out;
}

/** The report of `file` with its events and why, as `meshsim run --format json` prints it. */
function documentOf(file: string, duration?: string) {
  const spec = { config: { file, text: readFileSync(file, 'utf8') }, ...(duration ? { duration } : {}) };
  const { plan, loaded } = planSimulation(spec);
  return reportDocument(simulate(spec), { plan: plan!, loaded });
}

describe('docs/report.md', () => {
  it('describes every field the reports of the examples and catalog carry', () => {
    const doc = readFileSync('docs/report.md', 'utf8');
    const reports = [
      documentOf('examples/payment-gateway.yaml', '10s'), // tcp-proxied: appRequests, appErrors
      documentOf('examples/flaky-api.yaml'), // ejections, events, why
      documentOf('packages/scenarios/catalog/03-cloud-storage-api.yaml'), // a host removed by DNS
      documentOf('packages/scenarios/catalog/04-analytics-cluster.yaml'), // requests by address
      documentOf('packages/scenarios/catalog/13-rate-limited-api.yaml'), // circuit breakers
      documentOf('packages/scenarios/catalog/05-external-api-with-health.yaml'), // phases
    ];
    const names = new Set(reports.flatMap((r) => [...fieldNames(r)]));
    for (const required of [
      'appErrors',
      'removed',
      'requestsByAddress',
      'circuitBreakers',
      'breakersOpen',
      'phases',
      'label',
    ]) {
      expect(names, `the reports exercise ${required}`).toContain(required);
    }
    const undocumented = [...names].filter((n) => !doc.includes(`\`${n}\``) && !doc.includes(`.${n}\``));
    expect(undocumented).toEqual([]);
  });
});

/** Every file under `path`. */
const filesUnder = (path: string): string[] =>
  statSync(path).isDirectory() ? readdirSync(path).flatMap((f) => filesUnder(join(path, f))) : [path];

// The project's notes (shared/, DESIGN.md, ENVOY-SEMANTICS.md and their section letters) are not shipped.
const PRIVATE = /DESIGN\.md|ENVOY-SEMANTICS|shared\/|\((?:[A-H]\.\d+|[A-H])(?:, ?(?:[A-H]\.\d+|[A-H]))*\)/;

describe('what users get', () => {
  const shipped = [
    'README.md',
    ...[
      'docs',
      'examples',
      'packages/core/src',
      'packages/scenarios/src',
      'packages/scenarios/catalog',
      'packages/core/schema',
    ]
      .flatMap(filesUnder)
      .filter((f) => /\.(md|ts|ya?ml|json)$/.test(f)),
    'packages/core/README.md',
    'packages/scenarios/README.md',
    // meshsim explain prints these notes: the golden files hold its output.
    ...filesUnder('test/golden/explain').filter((f) => f.endsWith('.txt')),
  ];

  it('never points at the project notes users do not have', () => {
    expect(shipped.length).toBeGreaterThan(150);
    const offending = shipped.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (PRIVATE.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it('links the README only to files in the repository', () => {
    const readme = readFileSync('README.md', 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(() => statSync(link), link).not.toThrow();
  });
});
