/**
 * `meshsim explain` over 1,000 to 8,000 ServiceEntries (one host and an HTTPS port each, resolved by
 * DNS): wall and CPU seconds to load, explain and print the table, which should grow linearly. Before
 * the host indexes and the linear table renderer the 8,000 took over a minute.
 *
 *   npx -y pnpm@10 exec tsx benchmarks/explain-scale.bench.ts
 *
 * prints one JSON line per size.
 */
import { explainConfig, formatExplanationTable, loadConfig } from '@meshsim/core';
import { serviceEntries } from '../test/fixtures/service-entries.js';

for (const n of [1000, 2000, 4000, 8000]) {
  const text = serviceEntries(n);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const table = formatExplanationTable(explainConfig(loadConfig({ file: 'entries.yaml', text })));
  const used = process.cpuUsage(cpu);
  const line = {
    serviceEntries: n,
    wallS: +((performance.now() - wall) / 1000).toFixed(2),
    cpuS: +((used.user + used.system) / 1e6).toFixed(2),
    outputMb: +(table.length / 1e6).toFixed(1),
  };
  console.log(JSON.stringify(line));
}
