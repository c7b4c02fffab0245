/**
 * Simulated requests per second of wall time: the shipped payment-gateway example, its duration
 * stretched to about one million requests, on one core. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { simulate } from '@meshsim/core';
import { Bench } from 'tinybench';

const examplePath = new URL('../examples/payment-gateway.yaml', import.meta.url);
const config = { file: 'examples/payment-gateway.yaml', text: readFileSync(examplePath, 'utf8') };
const TARGET_REQUESTS = 1_000_000;
const RPS = 200; // the example's traffic rate
const duration = `${TARGET_REQUESTS / RPS}s`;

let requests = 0;
const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 });
bench.add('simulate payment-gateway, ~1M requests', () => {
  requests = simulate({ config, duration }).client.total;
});
await bench.run();

const task = bench.tasks[0]!;
const result = task.result;
if (result === undefined || !('latency' in result))
  throw new Error(`benchmark did not run: ${String(task.result)}`);
const meanMs = result.latency.mean;
const peakRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({
    bench: 'simulate',
    example: 'payment-gateway',
    requests,
    meanWallMs: Math.round(meanMs),
    simulatedRequestsPerSec: Math.round(requests / (meanMs / 1000)),
    peakRssMB: Math.round(peakRssMB),
  })}\n`,
);
