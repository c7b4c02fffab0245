import type { TcpKeepaliveModel } from '../envoy/cluster.js';

/** Where the kernel's keepalive is on one idle connection. */
export interface KeepaliveClock {
  /** The next probe; Infinity while none is due. */
  probeAtMs: number;
  /** When unanswered probes give up on the peer; Infinity while the last probe was answered. */
  keepaliveDeadAtMs: number;
}

/** The connection goes quiet now: the first probe after `time`. */
export function startKeepalive(
  clock: KeepaliveClock,
  keepalive: TcpKeepaliveModel | null,
  nowMs: number,
): void {
  clock.probeAtMs = keepalive === null ? Number.POSITIVE_INFINITY : nowMs + keepalive.timeMs;
  clock.keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
}

/**
 * Steps the keepalive at `nowMs`: a probe a live peer answers restarts the wait; a probe to a dark peer
 * starts the countdown of `probes` × `interval`, at whose end the kernel drops the connection unless the
 * peer came back. Returns false when the connection is dropped now.
 */
export function keepaliveSurvives(
  clock: KeepaliveClock,
  keepalive: TcpKeepaliveModel | null,
  peerDark: boolean,
  nowMs: number,
): boolean {
  if (keepalive === null) return true;
  if (clock.keepaliveDeadAtMs <= nowMs) {
    if (peerDark) return false;
    clock.keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
    clock.probeAtMs = nowMs + keepalive.timeMs;
  } else if (clock.probeAtMs <= nowMs) {
    if (peerDark) {
      clock.keepaliveDeadAtMs = clock.probeAtMs + keepalive.probes * keepalive.intervalMs;
      clock.probeAtMs = Number.POSITIVE_INFINITY;
    } else {
      clock.probeAtMs += keepalive.timeMs;
    }
  }
  return true;
}

/** The keepalive's next step for the idle check: a probe or the give-up. */
export function keepaliveDueMs(clock: KeepaliveClock): number {
  return Math.min(clock.probeAtMs, clock.keepaliveDeadAtMs);
}

/**
 * When a quiet connection's next idle event is due: the earliest of the idle timeout counted from
 * `quietSinceMs` (0 = none), the server's FIN arriving, and the keepalive's next step.
 */
export function idleDueMs(
  quietSinceMs: number,
  idleTimeoutMs: number,
  finArrivesAtMs: number,
  keepalive: KeepaliveClock,
): number {
  const local = idleTimeoutMs > 0 ? quietSinceMs + idleTimeoutMs : Number.POSITIVE_INFINITY;
  return Math.min(local, finArrivesAtMs, keepaliveDueMs(keepalive));
}
