import {
  attemptsWithinRetries,
  connectionsWithinBreaker,
  everyRequestEndsOnce,
  noRequestToEjectedHost,
  type TraceEvent,
} from '@meshsim/scenarios/invariants';
import { describe, expect, it } from 'vitest';
import { CLUSTER, messages } from './fixtures/synthetic-report.js';

const request = (id: number, tMs: number): TraceEvent => ({ type: 'request', tMs, request: id });
const response = (id: number, tMs: number): TraceEvent => ({
  type: 'response',
  tMs,
  request: id,
  status: 200,
  flags: '-',
});
const attempt = (id: number, tMs: number, host = '10.0.0.1:80', panic?: boolean): TraceEvent => ({
  type: 'attempt',
  tMs,
  request: id,
  cluster: CLUSTER,
  host,
  ...(panic === undefined ? {} : { panic }),
});

describe('everyRequestEndsOnce', () => {
  it('holds when each request ends once, after it starts, even interleaved and streamed', () => {
    function* trace(): Generator<TraceEvent> {
      yield request(1, 0);
      yield request(2, 1);
      yield response(2, 5);
      yield response(1, 5);
    }
    expect(everyRequestEndsOnce()(trace())).toEqual([]);
  });

  it('fails on a second end, an end without a start and a second start', () => {
    expect(messages(everyRequestEndsOnce()([request(1, 0), response(1, 1), response(1, 2)]))).toEqual([
      'request 1 ended twice',
    ]);
    expect(messages(everyRequestEndsOnce()([response(7, 1)]))).toEqual(['request 7 ended without starting']);
    expect(messages(everyRequestEndsOnce()([request(1, 0), request(1, 1), response(1, 2)]))).toEqual([
      'request 1 started twice',
    ]);
  });

  it('fails on requests that never end, unless the report counts them unfinished', () => {
    const trace = [request(1, 0), request(2, 1), request(3, 2), response(2, 3)];
    expect(messages(everyRequestEndsOnce()(trace))).toEqual([
      '2 request(s) never ended (1, 3); the run reports 0 unfinished',
    ]);
    expect(everyRequestEndsOnce({ unfinished: 2 })(trace)).toEqual([]);
    expect(everyRequestEndsOnce({ unfinished: 1 })(trace)).toHaveLength(1);
  });

  it('fails on a trace that goes back in time', () => {
    expect(messages(everyRequestEndsOnce()([request(1, 10), response(1, 9)]))).toEqual([
      'event 1 (response) at 9 ms comes after 10 ms',
    ]);
  });
});

describe('attemptsWithinRetries', () => {
  it('allows 1 + retries attempts per request and flags the next one once', () => {
    const three = [request(1, 0), attempt(1, 0), attempt(1, 1), attempt(1, 2), response(1, 3)];
    expect(attemptsWithinRetries({ retries: 2 })(three)).toEqual([]);
    const five = [
      request(1, 0),
      attempt(1, 0),
      attempt(1, 1),
      attempt(1, 2),
      attempt(1, 3),
      attempt(1, 4),
      response(1, 5),
    ];
    expect(messages(attemptsWithinRetries({ retries: 2 })(five))).toEqual([
      'request 1 made attempt 4 at 3 ms; 1 + retries allows 3',
    ]);
    expect(attemptsWithinRetries({ retries: (c) => (c === CLUSTER ? 4 : 0) })(five)).toEqual([]);
  });

  it('counts attempts per request, not per run', () => {
    const trace = [
      request(1, 0),
      attempt(1, 0),
      request(2, 0),
      attempt(2, 0),
      response(1, 1),
      response(2, 1),
    ];
    expect(attemptsWithinRetries({ retries: 0 })(trace)).toEqual([]);
  });
});

describe('noRequestToEjectedHost', () => {
  const eject = (tMs: number, host = '10.0.0.1:80'): TraceEvent => ({
    type: 'eject',
    tMs,
    cluster: CLUSTER,
    host,
  });
  const uneject = (tMs: number, host = '10.0.0.1:80'): TraceEvent => ({
    type: 'uneject',
    tMs,
    cluster: CLUSTER,
    host,
  });

  it('holds before the ejection, after the uneject, for other hosts and in panic', () => {
    const trace = [
      attempt(1, 0),
      eject(1),
      attempt(2, 2, '10.0.0.2:80'),
      attempt(3, 3, '10.0.0.1:80', true),
      uneject(4),
      attempt(4, 4),
    ];
    expect(noRequestToEjectedHost()(trace)).toEqual([]);
  });

  it('fails for an attempt to an ejected host outside panic', () => {
    expect(messages(noRequestToEjectedHost()([eject(1), attempt(9, 2, '10.0.0.1:80', false)]))).toEqual([
      'request 9 sent to ejected 10.0.0.1:80 at 2 ms outside panic',
    ]);
  });

  it('holds for an ORIGINAL_DST attempt: the dialed address, which no load balancer filters', () => {
    const dialed: TraceEvent = {
      type: 'attempt',
      tMs: 2,
      request: 9,
      cluster: CLUSTER,
      host: '10.0.0.1:80',
      panic: false,
      originalDst: true,
    };
    expect(noRequestToEjectedHost()([eject(1), dialed])).toEqual([]);
  });

  it('keeps clusters apart', () => {
    const other: TraceEvent = { type: 'eject', tMs: 0, cluster: 'outbound|80||other', host: '10.0.0.1:80' };
    expect(noRequestToEjectedHost()([other, attempt(1, 1)])).toEqual([]);
  });
});

describe('connectionsWithinBreaker', () => {
  const open = (connection: number, worker: number, host: string, tMs = 0): TraceEvent => ({
    type: 'cx-open',
    tMs,
    cluster: CLUSTER,
    host,
    worker,
    connection,
  });
  const close = (connection: number, tMs = 0): TraceEvent => ({
    type: 'cx-close',
    tMs,
    cluster: CLUSTER,
    connection,
  });

  it('allows a pool with no connection to open one over maxConnections', () => {
    // maxConnections 1: worker 0 and worker 1 each open their first connection to the host.
    expect(
      connectionsWithinBreaker({ maxConnections: 1 })([open(1, 0, 'h1'), open(2, 1, 'h1'), open(3, 0, 'h2')]),
    ).toEqual([]);
  });

  it('fails when a pool that has a connection opens another at the limit', () => {
    const trace = [open(1, 0, 'h1'), open(2, 1, 'h1'), open(3, 0, 'h1', 5)];
    expect(messages(connectionsWithinBreaker({ maxConnections: 1 })(trace))).toEqual([
      'connection 3 opened at 5 ms with 2 active (maxConnections 1) while its pool (worker 0, h1) already had 1',
    ]);
    expect(connectionsWithinBreaker({ maxConnections: 3 })(trace)).toEqual([]);
  });

  it('counts closes: a pool whose connection closed may open again', () => {
    expect(
      connectionsWithinBreaker({ maxConnections: 1 })([open(1, 0, 'h1'), close(1), open(2, 0, 'h1')]),
    ).toEqual([]);
    expect(
      connectionsWithinBreaker({ maxConnections: 2 })([
        open(1, 0, 'h1'),
        open(2, 0, 'h1'),
        close(1),
        open(3, 0, 'h1'),
      ]),
    ).toEqual([]);
  });

  it('fails on closing a connection that is not open', () => {
    expect(
      messages(connectionsWithinBreaker({ maxConnections: 1 })([open(1, 0, 'h1'), close(1, 1), close(1, 2)])),
    ).toEqual(['connection 1 closed at 2 ms but was not open']);
  });
});
