import { hostFailures, outboundClusterName, simulate } from '@meshsim/core';
import { defineScenario, endpoint, istio, traffic } from '@meshsim/scenarios';

// The seed's payment gateway: three STATIC endpoints on an HTTPS port; the EU one answers 503 to
// 30 % of requests. The client opens a connection per request, so each is balanced anew.
export const spec = defineScenario({
  resources: [
    istio.serviceEntry('payment-gateway', {
      hosts: ['payments.provider.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
      resolution: 'STATIC',
      endpoints: [{ address: '203.0.113.10' }, { address: '203.0.113.20' }, { address: '203.0.113.30' }],
    }),
  ],
  traffic: traffic.poisson({ host: 'payments.provider.com', port: 443, rps: 200, keepAlive: false }),
  endpoints: {
    '*': endpoint.healthy({ latency: { median: '40ms', p99: '200ms' } }),
    '203.0.113.20': endpoint.failing({ status: 503, rate: 0.3, latency: { median: '40ms', p99: '200ms' } }),
  },
  duration: '10m',
  seed: 42,
  strict: true, // a warning (a typo in a field name, an endpoint no host has) fails instead of passing
});
export const report = simulate(spec);

console.log(report.client.errorRate); // ≈ 0.10: a third of the connections meet the flaky endpoint
// The sidecar tcp-proxies port 443: it never sees a status, so nothing can retry those 503s.
const cluster = report.clusters[outboundClusterName('payments.provider.com', 443)]!;
console.log(cluster.hosts.map((h) => [h.address, hostFailures(cluster, h)]));
