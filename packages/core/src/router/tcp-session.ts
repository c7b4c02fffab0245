import type { EventHandle } from '../kernel/event-queue.js';
import type { Connection } from '../upstream/connection.js';
import type { ConnectionPool } from '../upstream/connection-pool.js';
import type { Host } from '../upstream/host.js';
import type { RequestHash } from '../upstream/lb/uint64.js';

/**
 * One application connection through a tcp-proxied port, and so one tcp_proxy session: its upstream
 * connection is chosen once, when it opens. It carries one application request at a time (HTTP/1.1
 * inside the application's TLS); with keep-alive it waits idle for the next one.
 */
export class TcpSession {
  route = -1;
  cluster = -1;
  worker = 0;
  keepAlive = true;
  hash: RequestHash | null = null;
  /** ORIGINAL_DST: the address the application dialed. */
  dialedAddress: string | null = null;
  /** tcp_proxy's connect_attempts_ and the tag that tells this attempt's pool entry from an earlier one. */
  attempts = 0;
  tag = 0;
  /** Response flags of the session (UF, URX, UO, UH …); the request riding it reports them. */
  flags = 0;
  host: Host | null = null;
  pendingPool: ConnectionPool | null = null;
  /** The upstream connection once the proxy connected; null while connecting. */
  connection: Connection | null = null;
  /** The application request on it: whether there is one, when it was sent, by which source. */
  busy = false;
  requestArrivalMs = 0;
  requestSource = -1;
  /** What the server answered the request (0: it closed the connection instead). */
  status = 0;
  responseEvent: EventHandle = -1;
  /** When bytes last crossed it, for the proxy's idle timeout, and its pending idle check. */
  lastActiveMs = 0;
  idleTimer: EventHandle = -1;
  idleCheckAtMs = 0;
  /** When the server's FIN for the current idle period reaches the proxy (its `idleTimeout`); ∞: never. */
  serverCloseAtMs = Number.POSITIVE_INFINITY;
  /** TCP keepalive of its upstream connection while idle (see upstream/tcp-keepalive.ts). */
  probeAtMs = Number.POSITIVE_INFINITY;
  keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
  /** Whether it sits in its route's stack of idle application connections. */
  idle = false;
  /** max_downstream_connection_duration: when the proxy closes it, whatever it is doing. */
  durationTimer: EventHandle = -1;

  constructor(readonly id: number) {}

  reset(): void {
    this.route = -1;
    this.cluster = -1;
    this.hash = null;
    this.dialedAddress = null;
    this.attempts = 0;
    this.flags = 0;
    this.host = null;
    this.pendingPool = null;
    this.connection = null;
    this.busy = false;
    this.requestSource = -1;
    this.status = 0;
    this.responseEvent = -1;
    this.idleTimer = -1;
    this.idle = false;
    this.durationTimer = -1;
    this.serverCloseAtMs = Number.POSITIVE_INFINITY;
    this.probeAtMs = Number.POSITIVE_INFINITY;
    this.keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
  }
}

/**
 * The application's own TLS handshake through the proxy, in full each new connection (a client keeps no
 * session cache by default, Go's for one): TLS 1.3 one round trip, 1.2 two.
 */
export const appTlsRtts = (tlsMaxVersion: '1.2' | '1.3') => (tlsMaxVersion === '1.2' ? 2 : 1);
