import { describe, expect, it } from 'vitest';
import type { Http2KeepaliveModel } from '../src/envoy/http-protocol.js';
import { Constant } from '../src/kernel/distributions.js';
import { Kernel } from '../src/kernel/kernel.js';
import { RandomStreams, type Rng } from '../src/kernel/random-streams.js';
import { Connection, ConnectionState } from '../src/upstream/connection.js';
import { Http2Keepalive } from '../src/upstream/http2-keepalive.js';
import { type ConnectOutcome, EndpointServer } from '../src/world/endpoint-server.js';

const KEEPALIVE: Http2KeepaliveModel = { intervalMs: 1000, timeoutMs: 500, intervalJitterPct: 15 };

/**
 * One connection's PING clock against one server (rtt 10 ms), the pool's part played here: each PING sent
 * and each timeout is recorded with its time.
 */
function rig(
  options: { model?: Http2KeepaliveModel; rng?: Rng; connect?: ConnectOutcome; rttMs?: number } = {},
) {
  const kernel = new Kernel();
  const server = new EndpointServer(
    '10.0.0.1',
    {
      latency: new Constant(5),
      errors: [],
      rttMs: options.rttMs ?? 10,
      connect: options.connect ?? 'ok',
      resetRate: 0,
      idleTimeoutMs: 0,
    },
    new RandomStreams(1).get('server'),
  );
  const conn = new Connection(0);
  conn.server = server;
  conn.state = ConnectionState.Ready;
  const sent: number[] = [];
  const timedOut: number[] = [];
  let keepalive: Http2Keepalive | null = null;
  const pingEvent = kernel.defineEvent(() => {
    const before = conn.pingSentAtMs;
    if (keepalive!.onTimer(conn)) timedOut.push(kernel.nowMs);
    else if (before < 0 && conn.pingSentAtMs >= 0) sent.push(kernel.nowMs);
  });
  keepalive = new Http2Keepalive(
    options.model ?? KEEPALIVE,
    kernel,
    pingEvent,
    options.rng ?? new RandomStreams(1).get('jitter'),
  );
  return { kernel, server, conn, keepalive, sent, timedOut };
}

describe('HTTP/2 PING keepalive (the codec: sendKeepalive, onKeepaliveResponse, onKeepaliveResponseTimeout)', () => {
  it('a live host: a PING every interval + jitter + one round trip, each answered, none timed out', () => {
    // A draw of 0.5 gives a jitter of floor(0.5 × 150) = 75 ms (15 % of 1000 ms is the modulus 150).
    // The first PING goes at 1075; its ACK at 1085; the next 1075 later: a PING every 1085 ms.
    const r = rig({ rng: () => 0.5 });
    r.keepalive.start(r.conn);
    r.kernel.runUntil(10_000);
    // 1075 + 1085 k ≤ 10000 for k = 0 … 8: 9 PINGs.
    expect(r.sent).toEqual(Array.from({ length: 9 }, (_, k) => 1075 + 1085 * k));
    expect(r.timedOut).toEqual([]);
  });

  it("the jitter is a whole number of ms below interval_jitter of the interval, from the cluster's stream", () => {
    // Cycles of the PING clock on a live host are interval + jitter + rtt, jitter uniform on 0 … 149.
    const r = rig();
    r.keepalive.start(r.conn);
    r.kernel.runUntil(1_300_000);
    const jitters = r.sent.map((t, i) => t - (i === 0 ? 0 : r.sent[i - 1]! + 10) - 1000);
    expect(jitters.length).toBeGreaterThan(1100);
    expect(jitters.every((j) => Number.isInteger(j) && j >= 0 && j < 150)).toBe(true);
    // Mean 74.5, sd √((150² − 1) / 12) ≈ 43.3: over n ≥ 1100 draws 4 standard errors are under 5.3 ms.
    const mean = jitters.reduce((a, b) => a + b, 0) / jitters.length;
    expect(Math.abs(mean - 74.5)).toBeLessThan((4 * 43.3) / Math.sqrt(jitters.length));
    expect(Math.min(...jitters)).toBe(0);
    expect(Math.max(...jitters)).toBe(149);
  });

  it('an interval too short for a 1 ms jitter (15 % of 6 ms is 0.9) has none', () => {
    const r = rig({ model: { intervalMs: 6, timeoutMs: 500, intervalJitterPct: 15 }, rng: () => 0.99 });
    r.keepalive.start(r.conn);
    r.kernel.runUntil(100);
    // Every 6 + 10 ms: 6, 22, 38, 54, 70, 86.
    expect(r.sent).toEqual([6, 22, 38, 54, 70, 86]);
  });

  it('a dark host never answers: the PING times out `timeout` after it left', () => {
    const r = rig({ rng: () => 0 });
    r.keepalive.start(r.conn);
    r.kernel.runUntil(2500);
    // PING at 1000, ACK at 1010, next PING at 2010. The host goes dark at 2500: the PING at 3020 is lost.
    expect(r.sent).toEqual([1000, 2010]);
    r.server.behaviour = { ...r.server.behaviour, connect: 'blackhole' };
    r.kernel.runUntil(10_000);
    expect(r.sent).toEqual([1000, 2010, 3020]);
    expect(r.timedOut).toEqual([3520]);
  });

  it('any frame during the wait re-arms the timeout (onBeforeFrameReceived); the ACK still ends it', () => {
    // rtt 700 ms > timeout 500 ms: alone, each PING times out before its ACK.
    const alone = rig({ rng: () => 0, rttMs: 700 });
    alone.keepalive.start(alone.conn);
    alone.kernel.runUntil(5000);
    expect(alone.timedOut).toEqual([1500]);
    // A response frame at 1300 re-arms it to 1800, past the ACK at 1700: the connection lives on.
    const busy = rig({ rng: () => 0, rttMs: 700 });
    busy.keepalive.start(busy.conn);
    busy.kernel.runUntil(1300);
    busy.conn.lastFrameAtMs = 1300;
    busy.kernel.runUntil(1800);
    expect(busy.timedOut).toEqual([]);
    // ACK at 1700, next PING at 2700.
    expect(busy.sent).toEqual([1000]);
    busy.kernel.runUntil(2700);
    expect(busy.sent).toEqual([1000, 2700]);
  });

  it('a PING written while connecting leaves with the connect: its ACK one round trip after that', () => {
    // interval 1 ms, no jitter: the PING is written at 1; timeout 500 ms.
    const model = { intervalMs: 1, timeoutMs: 500, intervalJitterPct: 15 };
    const slow = rig({ model, rng: () => 0 });
    slow.conn.state = ConnectionState.Connecting;
    slow.keepalive.start(slow.conn);
    slow.kernel.runUntil(400);
    expect(slow.sent).toEqual([1]);
    // Connected at 400: the ACK comes at 410, before the wait ends at 501.
    slow.conn.state = ConnectionState.Ready;
    slow.keepalive.onConnected(slow.conn);
    slow.kernel.runUntil(420);
    expect(slow.timedOut).toEqual([]);
    expect(slow.sent).toEqual([1, 411]);
    // Never connected (a black-holed SYN): the PING written at 1 times out at 501, long before connect_timeout.
    const never = rig({ model, rng: () => 0 });
    never.conn.state = ConnectionState.Connecting;
    never.keepalive.start(never.conn);
    never.kernel.runUntil(10_000);
    expect(never.timedOut).toEqual([501]);
  });
});
