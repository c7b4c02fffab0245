// `explain` is linear in ServiceEntries (it was quadratic: 8,000 took 76 s). Checked as a ratio of CPU
// time, never as a time: benchmarks/explain-scale.bench.ts prints the seconds.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';
import { explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';

function serviceEntries(n: number): string {
  return Array.from(
    { length: n },
    (_, i) =>
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: se-${i}, namespace: default }\nspec:\n  hosts: [svc-${i}.example.com]\n  location: MESH_EXTERNAL\n  ports: [{ number: 443, name: https, protocol: HTTPS }]\n  resolution: DNS\n`,
  ).join('---\n');
}

/** CPU ms to load, explain and draw the table: the least of two tries (noise only ever adds). */
function cpuMs(text: string): { ms: number; lines: number } {
  let ms = Number.POSITIVE_INFINITY;
  let lines = 0;
  for (let i = 0; i < 2; i++) {
    const before = process.cpuUsage();
    const table = formatExplanationTable(explainConfig(loadConfig({ file: 'entries.yaml', text })));
    const spent = process.cpuUsage(before);
    ms = Math.min(ms, (spent.user + spent.system) / 1000);
    lines = table.split('\n').length;
  }
  return { ms, lines };
}

describe('explain over many ServiceEntries', () => {
  it('costs at most 10× for 10× the ServiceEntries (100 against 1,000), with a table of each', () => {
    const small = cpuMs(serviceEntries(100));
    const large = cpuMs(serviceEntries(1_000));
    // Every ServiceEntry gets its cluster in the table: ten times the entries, about ten times the lines.
    expect(large.lines / small.lines).toBeGreaterThan(9);
    // Linear work is at most 10× (fixed costs only lower it); the quadratic lookups were 100×.
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(20);
  });
});
