import { loadConfig } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import {
  matchesSource,
  routingVirtualService,
  translateHttpRoute,
} from '../src/config/translate/http-routes.js';
import { defaultRetryPolicyFor } from '../src/config/translate/istio-defaults.js';

/** A VirtualService for api.example.com in namespace `shop`, with these http routes (indented by 4). */
function virtualService(http: string, name = 'api'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec:
  hosts: [api.example.com]
  http:
${http}
`;
}

function translated(http: string) {
  const loaded = loadConfig({ file: 'vs.yaml', text: virtualService(http) });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return translateHttpRoute(loaded.virtualServices[0]!, 0, defaultRetryPolicyFor('1.28'), () => 0);
}

describe('translateHttpRoute: redirects', () => {
  it.each([
    ['no redirectCode', '{ uri: /new }', 301],
    // Istio's API: 0 is the proto default, MOVED_PERMANENTLY; the webhook accepts it (validation corpus).
    ['redirectCode 0', '{ uri: /new, redirectCode: 0 }', 301],
    ['redirectCode 308', '{ uri: /new, redirectCode: 308 }', 308],
  ])('%s (redirect: %s) is answered %i by the sidecar', (_, redirect, status) => {
    const route = translated(`    - redirect: ${redirect}`);
    expect(route.destinations).toEqual([]);
    expect([route.localStatus, route.localFlags]).toEqual([status, 0]);
  });
});

describe('which VirtualService routes a host', () => {
  it('the first visible one; the others are ignored with IST0109’s reason (sidecars do not merge them)', () => {
    const text = [
      virtualService('    - directResponse: { status: 200 }', 'first'),
      virtualService('    - directResponse: { status: 418 }', 'second'),
    ].join('---\n');
    const loaded = loadConfig({ file: 'vs.yaml', text });
    const { services, ignored } = routingVirtualService(loaded.virtualServices, 'api.example.com', 'shop');
    expect(services.map((v) => v.resource.metadata.name)).toEqual(['first']);
    expect(ignored.map(({ vs }) => vs.resource.metadata.name)).toEqual(['second']);
    expect(ignored[0]?.reason).toContain('(shop/first) already binds api.example.com');
    expect(ignored[0]?.reason).toContain('IST0109');
  });
});

describe('matchesSource', () => {
  const caller = { namespace: 'shop', labels: { app: 'checkout', version: 'v2' } };

  it('every sourceLabel and the sourceNamespace must be the caller’s; a block without them matches anyone', () => {
    expect(matchesSource({}, caller)).toBe(true);
    expect(matchesSource({ sourceLabels: { app: 'checkout' } }, caller)).toBe(true);
    expect(matchesSource({ sourceLabels: { app: 'checkout', version: 'v1' } }, caller)).toBe(false);
    expect(matchesSource({ sourceNamespace: 'shop' }, caller)).toBe(true);
    expect(matchesSource({ sourceNamespace: 'payments' }, caller)).toBe(false);
    expect(matchesSource({ sourceLabels: { app: 'checkout' } }, undefined)).toBe(false);
  });
});
