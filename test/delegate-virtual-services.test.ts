import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { hostsYaml } from './fixtures/hosts.js';

/**
 * A root VirtualService for api.example.com delegating /v1 (with a 2 s timeout) to `v1-routes` in
 * namespace team, whose routes istiod merges in (Istio pilot/pkg/model/virtualservice.go).
 */
const CONFIG = `${hostsYaml(1)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  http:
  - match: [{ uri: { prefix: /v1 } }]
    timeout: 2s
    delegate: { name: v1-routes, namespace: team }
  - route: [{ destination: { host: api.example.com } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: v1-routes, namespace: team }
spec:
  http:
  - match: [{ uri: { exact: /v1/teapot } }]
    directResponse: { status: 418 }
  - match: [{ uri: { prefix: /v2 } }]
    directResponse: { status: 410 }
  - route: [{ destination: { host: api.example.com } }]
`;

const run = (path: string) =>
  simulate({
    config: CONFIG,
    seed: 1,
    duration: '5s',
    network: { rtt: '0ms' },
    traffic: { host: 'api.example.com', path, rps: 10 },
    endpoints: { '*': { latency: { constant: '3s' } } },
  });

describe('delegate VirtualServices merged into their root (mergeHTTPRoute, mergeHTTPMatchRequests)', () => {
  it("a delegate's exact match inside the root's prefix: its own answer", () => {
    const r = run('/v1/teapot');
    expect(r.client.byStatus).toEqual({ '418': r.client.total });
  });

  it("a delegate route with no match takes the root's match and inherits its unset timeout: 504 UT at 2 s", () => {
    const r = run('/v1/orders');
    expect(r.client.byStatus).toEqual({ '504': r.client.total });
    expect(r.client.byFlag).toEqual({ UT: r.client.total });
    expect(r.client.latencyMs.max).toBe(2000);
  });

  it("a delegate match outside the root's (prefix /v2 under /v1) conflicts: dropped, with a warning", () => {
    const r = run('/v2/old');
    // Not 410: /v2 falls through to the root's next route, which has no timeout: the 3 s answer.
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(r.warnings).toContainEqual(
      expect.stringContaining('its match conflicts with root default/api http[0]: istiod drops this route'),
    );
  });

  it('a missing delegate leaves its route out, with a warning', () => {
    const missing = CONFIG.replace('name: v1-routes, namespace: team', 'name: nowhere');
    const r = simulate({
      config: missing,
      seed: 1,
      duration: '2s',
      traffic: { host: 'api.example.com', path: '/v1/teapot', rps: 10 },
      endpoints: { '*': { latency: { constant: '1ms' } } },
    });
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(r.warnings).toContainEqual(
      expect.stringContaining('delegate virtual service default/nowhere not found: the route is left out'),
    );
  });
});
