/**
 * What the sidecar's outbound listener does with a ServiceEntry port, by its protocol (Istio's
 * protocol.Instance: IsHTTP / IsTCP). An HTTP port gets the HTTP connection manager and the router;
 * every other declared protocol gets the tcp_proxy network filter, which sees connections, not requests.
 */
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB']);

/** The port is tcp-proxied: one upstream connection per application connection, no HTTP routing. */
export function isTcpProxied(protocol: string): boolean {
  return !HTTP_PROTOCOLS.has(protocol.toUpperCase());
}

/** HTTPS and TLS ports carry the application's own TLS: the sidecar routes by SNI and never decrypts. */
export function applicationSpeaksTls(protocol: string): boolean {
  const p = protocol.toUpperCase();
  return p === 'HTTPS' || p === 'TLS';
}
