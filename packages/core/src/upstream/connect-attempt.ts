import { CertVerdict } from '../envoy/certificate-verification.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import type { TlsSessionCache } from './tls-session-cache.js';

/** Envoy's happy-eyeballs delay before trying a logical host's next address. */
const HAPPY_EYEBALLS_DELAY_MS = 300;

/** How a connect attempt ends, if it ends at all: connected, or failed (refused, or a failed handshake). */
export const ConnectEnd = { Never: 0, Connected: 1, Failed: 2 } as const;
export type ConnectEnd = (typeof ConnectEnd)[keyof typeof ConnectEnd];

/** The addresses a host offers a new connection, in order, and the endpoint behind each. */
export interface ConnectTargets {
  connectTargets(): readonly string[];
  serverFor(address: string): EndpointServer;
}

/**
 * Where and when a new connection's connect ends, over the addresses a host offers: happy eyeballs over
 * a logical host's answers (MultiConnectionBaseImpl) — the next address starts when the previous one
 * fails, or after 300 ms without connecting; the first to connect wins. The TLS handshake a cluster
 * originates follows TCP's, so it is part of the connect. One instance per pool, reused per connect.
 */
export class ConnectAttempt {
  end: ConnectEnd = ConnectEnd.Never;
  /** The server it connects to (meaningful when `end` is Connected). */
  server: EndpointServer | null = null;
  /** When the outcome is due, from the start (meaningful unless `end` is Never). */
  atMs = 0;
  /** Why the handshake failed when the server's certificate did not verify; Ok otherwise. */
  verdict: CertVerdict = CertVerdict.Ok;

  /** `verify`: the cluster's certificate validator (null: nothing is checked). */
  plan(
    host: ConnectTargets,
    originatesTls: boolean,
    tlsSessions: TlsSessionCache,
    verify: ((server: EndpointServer) => CertVerdict) | null = null,
  ): void {
    this.end = ConnectEnd.Never;
    this.server = null;
    this.verdict = CertVerdict.Ok;
    const targets = host.connectTargets();
    let startMs = 0;
    for (let i = 0; i < targets.length; i++) {
      const server = host.serverFor(targets[i]!);
      const outcome = server.connectOutcome;
      if (outcome === 'ok' && originatesTls && verify !== null && !tlsSessions.resumes(server)) {
        // A full handshake: the server's certificate arrives in its first flight and fails there.
        this.verdict = verify(server);
        if (this.verdict !== CertVerdict.Ok) {
          this.settle(ConnectEnd.Failed, server, startMs + server.rttMs * 2);
          return;
        }
      }
      if (outcome === 'ok' || (outcome === 'tlsError' && !originatesTls)) {
        // TCP, then the TLS handshake the cluster originates: the connect timeout covers both.
        const tlsRtts = originatesTls ? tlsSessions.handshakeRtts(server) : 0;
        this.settle(ConnectEnd.Connected, server, startMs + server.rttMs * (1 + tlsRtts));
        return;
      }
      if (outcome === 'tlsError') {
        // TCP connects; the server's first flight (its certificate, or a version alert) fails the
        // handshake one round trip later, in TLS 1.2 and 1.3 alike.
        this.settle(ConnectEnd.Failed, server, startMs + server.rttMs * 2);
        return;
      }
      // A refused SYN comes back as RST after one round trip; a black hole never answers.
      if (outcome === 'refuse') {
        if (i === targets.length - 1) {
          this.settle(ConnectEnd.Failed, server, startMs + server.rttMs);
          return;
        }
        startMs += server.rttMs;
      } else {
        startMs += HAPPY_EYEBALLS_DELAY_MS;
      }
    }
  }

  private settle(end: ConnectEnd, server: EndpointServer, atMs: number): void {
    this.end = end;
    this.server = server;
    this.atMs = atMs;
  }
}
