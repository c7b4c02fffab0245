import { describe, expect, it } from 'vitest';
import { upstreamProtocolFor } from '../src/config/translate/upstream-protocol.js';
import { ENVOY_MAX_CONCURRENT_STREAMS } from '../src/envoy/http-protocol.js';

/** [istiod's config, the protocol meshsim's HTTP/1.1 clients get, max_concurrent_streams]. */
const of = (...args: Parameters<typeof upstreamProtocolFor>) => {
  const m = upstreamProtocolFor(...args);
  return [m.config, m.protocol, m.maxConcurrentStreams];
};

describe("Istio's upstream protocol choice, in its order", () => {
  it('ports: HTTP stays HTTP/1.1; HTTP2, GRPC and GRPC-WEB are HTTP/2; no protocol is sniffed (client protocol)', () => {
    expect(of('HTTP', undefined)).toEqual(['HTTP/1.1', 'HTTP/1.1', 1]);
    for (const p of ['HTTP2', 'GRPC', 'GRPC-WEB'] as const) {
      expect(of(p, undefined)).toEqual(['HTTP/2', 'HTTP/2', ENVOY_MAX_CONCURRENT_STREAMS]);
    }
    expect(of(undefined, undefined)).toEqual(['USE_DOWNSTREAM', 'HTTP/1.1', 1]);
  });

  it('DO_NOT_UPGRADE never downgrades an HTTP/2 port; UPGRADE never overrides a sniffed port', () => {
    expect(of('GRPC', { h2UpgradePolicy: 'DO_NOT_UPGRADE' })).toEqual([
      'HTTP/2',
      'HTTP/2',
      ENVOY_MAX_CONCURRENT_STREAMS,
    ]);
    // setH2Options only writes when no upstream protocol option is set yet (use_downstream is).
    expect(of(undefined, { h2UpgradePolicy: 'UPGRADE' })).toEqual(['USE_DOWNSTREAM', 'HTTP/1.1', 1]);
  });

  it('UPGRADE skips the port-protocol check, but a tcp-proxied port never uses the HTTP options', () => {
    expect(of('HTTPS', { h2UpgradePolicy: 'UPGRADE' })).toEqual(['HTTP/2', 'HTTP/1.1', 1]);
  });

  it('maxConcurrentStreams applies to an HTTP/2 cluster only; useClientProtocol replaces it all, dropping it', () => {
    expect(of('HTTP', { maxConcurrentStreams: 8 })).toEqual(['HTTP/1.1', 'HTTP/1.1', 1]);
    expect(of('HTTP', { h2UpgradePolicy: 'UPGRADE', maxConcurrentStreams: 8 })).toEqual([
      'HTTP/2',
      'HTTP/2',
      8,
    ]);
    expect(of('GRPC', { useClientProtocol: true, maxConcurrentStreams: 8 })).toEqual([
      'USE_DOWNSTREAM',
      'HTTP/1.1',
      1,
    ]);
  });
});
