/**
 * Simulated requests per second of wall time: the shipped payment-gateway example, its duration
 * stretched to about one million requests, on one core; once as shipped (port 443 HTTPS: the tcp
 * proxy, a connection per request) and once with the port declared HTTP (the router, keep-alive),
 * the path every earlier figure measured. Prints one JSON line per variant.
 */
import { readFileSync } from 'node:fs';
import { simulate } from '@meshsim/core';
import { Bench } from 'tinybench';

const examplePath = new URL('../examples/payment-gateway.yaml', import.meta.url);
const shipped = readFileSync(examplePath, 'utf8');
const variants = {
  'tcp-proxy': shipped,
  'http-router': shipped.replace('protocol: HTTPS', 'protocol: HTTP').replace(', keepAlive: false', ''),
};
const TARGET_REQUESTS = 1_000_000;
const RPS = 200; // the example's traffic rate
const duration = `${TARGET_REQUESTS / RPS}s`;

const requests: Record<string, number> = {};
const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 });
for (const [name, text] of Object.entries(variants)) {
  const config = { file: 'examples/payment-gateway.yaml', text };
  bench.add(name, () => {
    requests[name] = simulate({ config, duration }).client.total;
  });
}
await bench.run();

for (const task of bench.tasks) {
  const result = task.result;
  if (result === undefined || !('latency' in result))
    throw new Error(`benchmark ${task.name} did not run: ${String(task.result)}`);
  const meanMs = result.latency.mean;
  const n = requests[task.name]!;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'simulate',
      example: `payment-gateway (${task.name})`,
      requests: n,
      meanWallMs: Math.round(meanMs),
      simulatedRequestsPerSec: Math.round(n / (meanMs / 1000)),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}
