import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

// Istio's outbound listener has use_remote_address false and no internal_address_config, so the
// application's requests are not internal: ConnectionManagerUtility::cleanInternalHeaders removes the
// x-envoy-* controls before the route is matched and before RetryStateImpl::create reads them.

describe('x-envoy-* request headers from the application', () => {
  const config = `${hostsYaml(1)}\n${virtualServiceYaml(`
- match: [{ headers: { x-envoy-max-retries: { exact: "5" } } }]
  route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 5, retryOn: 5xx }
- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 1, retryOn: 5xx }`)}`;

  it('are removed before routing and retrying: the second route, with its one retry, applies', () => {
    const r = simulate({
      config,
      seed: 4,
      duration: '5s',
      traffic: { host: 'api.example.com', rps: 20, headers: { 'X-Envoy-Max-Retries': '5' } },
      endpoints: { '*': { errors: [{ status: 503, rate: 1 }] } },
    });
    const n = r.client.total;
    // One retry per request (not five): the header neither matched the first route nor raised the count.
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(n);
    expect(r.client.byFlag).toEqual({ URX: n });
    expect(r.warnings.join('\n')).toMatch(
      /removes X-Envoy-Max-Retries before routing \(cleanInternalHeaders/,
    );
  });
});
