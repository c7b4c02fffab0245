import type { EndpointServer } from '../world/endpoint-server.js';

/**
 * Envoy's TLS client context keeps one session (max_session_keys 1) for the whole cluster, shared by the
 * workers: a handshake with the server that issued it resumes. TLS 1.3 takes one round trip either way;
 * TLS 1.2 takes two in full and one resumed.
 */
export class TlsSessionCache {
  /** @param clientMaxVersion the cluster's tls_maximum_protocol_version: the handshake takes the lower. */
  constructor(private readonly clientMaxVersion: '1.2' | '1.3' = '1.3') {}

  private server: EndpointServer | null = null;
  /** The version the cached session was made with: a TLS 1.3 session cannot resume a 1.2 handshake. */
  private version: '1.2' | '1.3' = '1.3';

  handshakeRtts(server: EndpointServer): number {
    if (this.negotiated(server) === '1.3') return 1;
    return this.server === server && this.version === '1.2' ? 1 : 2;
  }

  /** Whether a handshake with `server` resumes the cached TLS 1.2 session: no certificate is sent then. */
  resumes(server: EndpointServer): boolean {
    return this.negotiated(server) === '1.2' && this.server === server && this.version === '1.2';
  }

  /** A handshake completed: its session is now the one offered next. */
  remember(server: EndpointServer): void {
    this.server = server;
    this.version = this.negotiated(server);
  }

  private negotiated(server: EndpointServer): '1.2' | '1.3' {
    return this.clientMaxVersion === '1.2' ? '1.2' : server.tlsMaxVersion;
  }
}
