/**
 * Peak memory of the worst runs meshsim accepts: requests that never end (an endpoint that holds
 * every request an hour, connects into a black hole), a server queue that grows for an hour, a
 * tcp-proxied port and an HTTP/2 pool that never answer, and a flood of outlier ejections. Each
 * runs alone in a fresh process (its peak RSS is the process's), at the default limit of requests in
 * flight (500,000) and, for the worst, at the highest (2,000,000).
 *
 *   npx -y pnpm@10 exec tsx benchmarks/memory-bound.bench.ts
 *
 * prints one JSON line per case: wall seconds, peak RSS in MB, and how the run ended.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '@meshsim/core';

const service = (protocol: 'HTTP' | 'HTTPS' | 'GRPC', endpoints = 2) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: ${protocol === 'HTTPS' ? 443 : 80}, name: ${protocol.toLowerCase()}, protocol: ${protocol} }]
  resolution: STATIC
  endpoints: [${Array.from({ length: endpoints }, (_, i) => `{ address: 192.0.3.${i + 1} }`).join(', ')}]
`;

const EJECTIONS = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { interval: 1ms, baseEjectionTime: 1ms, consecutive5xxErrors: 1, maxEjectionPercent: 100 }
`;

const never = { '*': { latency: { constant: '1h' } } };
const CASES: Record<string, Parameters<typeof simulate>[0]> = {
  'never answered, 10k rps for 10 min': {
    config: service('HTTP'),
    duration: '10m',
    endpoints: never,
    traffic: { host: 'api.example.com', rps: 10_000 },
  },
  'never answered, at the highest limit (2,000,000)': {
    config: service('HTTP'),
    duration: '10m',
    endpoints: never,
    traffic: { host: 'api.example.com', rps: 10_000 },
    limits: { maxRequestsInFlight: 2_000_000 },
  },
  'connects into a black hole, 10k rps for 10 min': {
    config: service('HTTP'),
    duration: '10m',
    endpoints: { '*': { connect: 'blackhole' } },
    traffic: { host: 'api.example.com', rps: 10_000 },
  },
  'a server queue growing for an hour (1000 rps into 100/s)': {
    config: service('HTTP'),
    duration: '1h',
    endpoints: { '*': { latency: { constant: '10ms' }, concurrency: 1 } },
    traffic: { host: 'api.example.com', rps: 1000 },
  },
  'tcp-proxied, never answered, a connection per request': {
    config: service('HTTPS'),
    duration: '10m',
    endpoints: never,
    traffic: { host: 'api.example.com', rps: 10_000, keepAlive: false },
  },
  'HTTP/2, never answered': {
    config: service('GRPC'),
    duration: '10m',
    endpoints: never,
    traffic: { host: 'api.example.com', rps: 10_000 },
  },
  'an ejection every few ms for 10 min over 50 hosts': {
    config: service('HTTP', 50) + EJECTIONS,
    duration: '10m',
    endpoints: { '*': { latency: { constant: '1ms' }, errors: [{ status: 503, rate: 0.5 }] } },
    traffic: { host: 'api.example.com', rps: 10_000 },
  },
};

/** In the child: one case, then its figures as JSON on stdout. */
function runCase(name: string): void {
  const started = performance.now();
  const report = simulate(CASES[name]!);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const ended = report.partial === undefined ? 'complete' : `partial (${report.partial.cause})`;
  const wallS = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ case: name, wallS: +wallS.toFixed(1), peakRssMb: Math.round(rssMb), ended }));
}

function main(): void {
  const child = process.argv[2];
  if (child !== undefined) {
    runCase(child);
    return;
  }
  for (const name of Object.keys(CASES)) {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
      encoding: 'utf8',
    });
    process.stdout.write(out);
  }
}

if (realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url))) main();
