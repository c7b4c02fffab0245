/**
 * Two DestinationRules for the same flaky API, side by side: what each costs to simulate (tinybench,
 * one core) and what the application would see with it. The API fails 20 % of requests with 503 and
 * 1 % of them hang past the 10 s per-try timeout; the VirtualService retries 5xx three times. Rule
 * `retry-cap-3` keeps the seed's `maxRetries: 3` (a cluster-wide cap on retries in flight), rule
 * `no-retry-cap` leaves Istio's default (no cap). Same seed, so both meet the same world.
 *
 *   npx -y pnpm@10 exec tsx benchmarks/compare-destination-rules.bench.ts
 *
 * prints one JSON line per rule. test/user-compare-destination-rules.test.ts runs it small in CI.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '@meshsim/core';
import { endpoint, scenario, toSimulationSpec, toYaml, traffic } from '@meshsim/scenarios';
import { Bench } from 'tinybench';

const HOST = 'api.third-party.io';

const world = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'third-party', namespace: 'shop' },
    spec: {
      hosts: [HOST],
      location: 'MESH_EXTERNAL',
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'third-party', namespace: 'shop' },
    spec: {
      hosts: [HOST],
      http: [
        {
          timeout: '30s',
          retries: { attempts: 3, perTryTimeout: '10s', retryOn: '5xx,reset,connect-failure' },
          route: [{ destination: { host: HOST, port: { number: 80 } } }],
        },
      ],
    },
  },
];

const destinationRule = (http: object) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'third-party', namespace: 'shop' },
  spec: {
    host: HOST,
    trafficPolicy: {
      connectionPool: { tcp: { maxConnections: 50, connectTimeout: '5s' }, http },
      outlierDetection: { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '30s' },
    },
  },
});

export const RULES = {
  'retry-cap-3': destinationRule({ maxRequestsPerConnection: 10, maxRetries: 3 }),
  'no-retry-cap': destinationRule({ maxRequestsPerConnection: 10 }),
};

export interface RuleResult {
  rule: keyof typeof RULES;
  requests: number;
  errorRate: number;
  retryOverflow: number;
  meanWallMs: number;
}

/** Times `simulate()` for each rule over `duration` of the flaky API, and reports what clients saw. */
export async function compareDestinationRules(
  options: { duration?: string; iterations?: number } = {},
): Promise<RuleResult[]> {
  const flakyApi = scenario({
    name: 'flaky-third-party-api',
    seed: 11,
    duration: options.duration ?? '5m',
    proxy: { namespace: 'shop' },
    network: { rtt: '20ms' },
    dns: { [HOST]: { ttl: '60s', answers: ['198.51.100.1', '198.51.100.2', '198.51.100.3'] } },
    endpoints: {
      '*': endpoint.failing({ status: 503, rate: 0.2, latency: { median: '80ms', p99: '10s' } }),
    },
    traffic: traffic.poisson({ host: HOST, port: 80, rps: 20 }),
  });
  const reports = new Map<string, ReturnType<typeof simulate>>();
  const bench = new Bench({
    iterations: options.iterations ?? 5,
    warmupIterations: 1,
    time: 0,
    warmupTime: 0,
  });
  for (const [name, rule] of Object.entries(RULES)) {
    const spec = toSimulationSpec(flakyApi, toYaml(...world, rule));
    bench.add(name, () => {
      reports.set(name, simulate(spec));
    });
  }
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result === undefined || !('latency' in result)) throw new Error(`${task.name} did not run`);
    const report = reports.get(task.name)!;
    const cluster = report.clusters[`outbound|80||${HOST}`]!;
    return {
      rule: task.name as keyof typeof RULES,
      requests: report.client.total,
      errorRate: report.client.errorRate,
      retryOverflow: cluster.stats.upstream_rq_retry_overflow ?? 0,
      meanWallMs: result.latency.mean,
    };
  });
}

/** Whether this file is the script node (tsx) was started with, rather than a module a test imports. */
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  for (const row of await compareDestinationRules()) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'compare-destination-rules', ...row, meanWallMs: Math.round(row.meanWallMs) })}\n`,
    );
  }
}
