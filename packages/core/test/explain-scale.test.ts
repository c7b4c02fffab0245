// `meshsim explain` stays linear in the number of ServiceEntries: loading, explaining and drawing the
// tables of 8× the entries costs at most 16× the CPU (a step comparing every pair would be up to 64×).
import { describe, expect, it } from 'vitest';
import { serviceEntries } from '../../../test/fixtures/service-entries.js';
import { loadConfig } from '../src/config/resources/load.js';
import { explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';
import { TextTable } from '../src/explain/text-layout.js';

/** CPU time of this process (not wall time, which other processes share), the least of `tries`. */
function cpuMs(work: () => string, tries = 2): { ms: number; table: string } {
  let ms = Number.POSITIVE_INFINITY;
  let table = '';
  for (let i = 0; i < tries; i++) {
    const before = process.cpuUsage();
    table = work();
    const spent = process.cpuUsage(before);
    ms = Math.min(ms, (spent.user + spent.system) / 1000);
  }
  return { ms, table };
}

describe('explain over many ServiceEntries', () => {
  it('costs at most twice linear: 1,600 entries within 16× the CPU of 200', () => {
    const explained = (n: number) => {
      const text = serviceEntries(n);
      return () => formatExplanationTable(explainConfig(loadConfig({ file: 'entries.yaml', text })));
    };
    // A first run compiles the code: fixed costs would hide how the cost grows.
    explained(200)();
    const small = cpuMs(explained(200));
    const large = cpuMs(explained(1_600));
    // Every entry is explained: its cluster, its virtual host and its row in each summary.
    expect(large.table.match(/^Cluster outbound\|443\|\|svc-\d+\.example\.com$/gm)).toHaveLength(1_600);
    expect(large.table.match(/^Virtual host svc-\d+\.example\.com:443 \(HTTPS\)$/gm)).toHaveLength(1_600);
    expect(large.table).toContain('│ svc-1599.example.com │ 443  │ -      │ HTTPS    │ STRICT_DNS │');
    // Fixed costs (compiling, collecting what the first run left) only lower the ratio.
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(16);
  });

  it('draws a summary of 16,000 rows within 16× the CPU of 2,000 rows (drawing every row again would be 64×)', () => {
    const summary = (n: number) => () => {
      const t = new TextTable([
        'SERVICE FQDN',
        'PORT',
        'SUBSET',
        'PROTOCOL',
        'TYPE',
        'LB',
        'DESTINATION RULE',
      ]);
      for (let i = 0; i < n; i++)
        t.push([`svc-${i}.example.com`, 443, '-', 'HTTPS', 'STRICT_DNS', 'LEAST_REQUEST', '-']);
      return t.toString();
    };
    summary(2_000)();
    const small = cpuMs(summary(2_000), 3);
    const large = cpuMs(summary(16_000), 3);
    expect(large.table.split('\n')).toHaveLength(16_003);
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(16);
  });
});
