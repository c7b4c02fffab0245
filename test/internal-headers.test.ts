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

// The same rule read from an Envoy config's own HttpConnectionManager: ConnectionManagerUtility::
// mutateRequestHeaders takes a request as internal only when its single X-Forwarded-For address (with
// use_remote_address false) or the peer's address (with it true) is one internal_address_config trusts,
// and cleanInternalHeaders removes the x-envoy-* controls and the route's internal_only_headers from any other.
describe("x-envoy-* request headers through an Envoy config's HTTP connection manager", () => {
  /** A bootstrap (its connection manager's typed_config on line 8): port 80 routes requests carrying x-envoy-max-retries: 5 to `kept`, the rest to `removed`. */
  function bootstrap(hcm: string, envoyMinor: number | null = null, routeConfig = ''): string {
    const node =
      envoyMinor === null
        ? ''
        : `node: { user_agent_build_version: { version: { major_number: 1, minor_number: ${envoyMinor} } } }\n`;
    const cluster = (name: string, address: string) => `    - name: ${name}
      type: STATIC
      load_assignment:
        cluster_name: ${name}
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ${address}, port_value: 80 } } } }] }]`;
    return `${node}static_resources:
  listeners:
    - name: outbound_80
      address: { socket_address: { address: 0.0.0.0, port_value: 80 } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: outbound_80
                ${hcm}
                route_config:
                  name: local
                  ${routeConfig}
                  virtual_hosts:
                    - name: api
                      domains: ["*"]
                      routes:
                        - match: { prefix: /, headers: [{ name: x-envoy-max-retries, string_match: { exact: "5" } }] }
                          route: { cluster: kept }
                        - match: { prefix: /, headers: [{ name: x-team, present_match: true }] }
                          route: { cluster: kept }
                        - match: { prefix: / }
                          route: { cluster: removed }
                http_filters: [{ name: envoy.filters.http.router }]
  clusters:
${cluster('kept', '10.0.0.1')}
${cluster('removed', '10.0.0.2')}
`;
  }

  function run(config: string, headers: Record<string, string>) {
    const r = simulate({
      config: { file: 'envoy.yaml', text: config },
      seed: 3,
      duration: '2s',
      traffic: { host: 'api.example.com', port: 80, rps: 20, headers },
    });
    const went = (name: string) => r.clusters[name]?.stats.upstream_rq_total ?? 0;
    return {
      kept: went('kept'),
      removed: went('removed'),
      total: r.client.total,
      warnings: r.warnings.join('\n'),
    };
  }
  const retries = { 'x-envoy-max-retries': '5' };

  it('use_remote_address false (an Istio sidecar listener) and no X-Forwarded-For: removed before routing', () => {
    const r = run(bootstrap('use_remote_address: false'), retries);
    expect(r).toMatchObject({ kept: 0, removed: r.total });
    expect(r.warnings).toMatch(
      /warning spec\.traffic\[0\]\.headers: the HTTP connection manager at envoy\.yaml:8 removes x-envoy-max-retries before routing \(cleanInternalHeaders: the request is not internal: use_remote_address is false and the request has no X-Forwarded-For\)/,
    );
  });

  it('a single private X-Forwarded-For address is internal where internal_address_config trusts it', () => {
    const xff = { ...retries, 'x-forwarded-for': '10.1.2.3' };
    // Present without cidr_ranges: Envoy's private ranges, so the header stays and matches the first route.
    const trusted = run(bootstrap('internal_address_config: {}'), xff);
    expect(trusted).toMatchObject({ kept: trusted.total, removed: 0 });
    expect(trusted.warnings).toContain(
      "the request is internal for the HTTP connection manager at envoy.yaml:8 (use_remote_address is false, X-Forwarded-For holds the single address 10.1.2.3, and internal_address_config without cidr_ranges trusts RFC1918 and loopback addresses), so it keeps x-envoy-max-retries and Envoy's router would apply them; not modelled",
    );
    // cidr_ranges that do not hold it: not internal.
    const other = run(
      bootstrap(
        'internal_address_config: { cidr_ranges: [{ address_prefix: 192.168.0.0, prefix_len: 16 }] }',
      ),
      xff,
    );
    expect(other).toMatchObject({ kept: 0, removed: other.total });
    // Two addresses: never internal.
    const chain = run(bootstrap('internal_address_config: {}'), {
      ...retries,
      'x-forwarded-for': '10.1.2.3, 10.1.2.4',
    });
    expect(chain).toMatchObject({ kept: 0, removed: chain.total });
  });

  it('without internal_address_config, Envoy before 1.33 trusts private addresses and 1.33 none', () => {
    const xff = { ...retries, 'x-forwarded-for': '10.1.2.3' };
    const old = run(bootstrap('use_remote_address: false', 32), xff);
    expect(old).toMatchObject({ kept: old.total, removed: 0 });
    const current = run(bootstrap('use_remote_address: false', 33), xff);
    expect(current).toMatchObject({ kept: 0, removed: current.total });
    expect(current.warnings).toContain(
      'without internal_address_config Envoy 1.33 and later trust no address',
    );
  });

  it("use_remote_address true: the application's pod address decides, taken to be a private one", () => {
    const r = run(
      bootstrap('use_remote_address: true\n                internal_address_config: {}'),
      retries,
    );
    expect(r).toMatchObject({ kept: r.total, removed: 0 });
    expect(r.warnings).toContain("the application's pod address is taken to be a private one");
    // …which a loopback-only list does not hold.
    const loopback = run(
      bootstrap(
        'use_remote_address: true\n                internal_address_config: { cidr_ranges: [{ address_prefix: 127.0.0.1, prefix_len: 32 }] }',
      ),
      retries,
    );
    expect(loopback).toMatchObject({ kept: 0, removed: loopback.total });
  });

  it("the route configuration's internal_only_headers are removed from a request that is not internal", () => {
    const r = run(bootstrap('use_remote_address: false', null, 'internal_only_headers: [X-Team]'), {
      'x-team': 'a',
    });
    expect(r).toMatchObject({ kept: 0, removed: r.total });
    expect(r.warnings).toContain('removes x-team before routing');
    // Without the list the header is the application's own and matches.
    const plain = run(bootstrap('use_remote_address: false'), { 'x-team': 'a' });
    expect(plain).toMatchObject({ kept: plain.total, removed: 0 });
  });
});
