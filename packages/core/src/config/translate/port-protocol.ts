import { HTTP_ROUTED_PROTOCOLS } from './upstream-protocol.js';

/**
 * What the sidecar's outbound listener does with a ServiceEntry port, by its protocol (Istio's
 * protocol.Instance): an HTTP port gets the HTTP connection manager and the router; every other
 * declared protocol gets the tcp_proxy network filter, which sees connections, not requests.
 */
export function isTcpProxied(protocol: string): boolean {
  return !HTTP_ROUTED_PROTOCOLS.has(protocol.toUpperCase());
}

/** HTTPS and TLS ports carry the application's own TLS: the sidecar routes by SNI and never decrypts. */
export function applicationSpeaksTls(protocol: string): boolean {
  const p = protocol.toUpperCase();
  return p === 'HTTPS' || p === 'TLS';
}
