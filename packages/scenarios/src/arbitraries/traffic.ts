import { type DnsEntryInput, formatDurationMs, type TrafficSourceInput } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { dns } from '../dns.js';
import { type RouteInput, traffic } from '../traffic.js';
import {
  duration,
  headerName,
  hostname,
  httpMethod,
  httpPath,
  ipv4,
  rps,
  share,
  someOf,
  stringMap,
} from './primitives.js';

/** A `dns` record of one to three addresses. */
export function dnsRecord(): Arbitrary<DnsEntryInput> {
  return fc
    .tuple(
      fc.uniqueArray(ipv4(), { minLength: 1, maxLength: 3 }),
      someOf({ ttl: duration(), rotate: fc.boolean() }),
    )
    .map(([answers, options]) => dns.record({ answers, ...options }));
}

const route = (): Arbitrary<RouteInput> =>
  someOf({
    path: httpPath(),
    method: httpMethod(),
    headers: stringMap(headerName(), fc.string({ unit: 'grapheme', maxLength: 12 })),
    weight: fc.integer({ min: 1, max: 100 }),
  });

const request = (host: Arbitrary<string>) =>
  fc
    .tuple(
      host,
      someOf({
        port: fc.integer({ min: 1, max: 65_535 }),
        path: httpPath(),
        method: httpMethod(),
        headers: stringMap(headerName(), fc.string({ unit: 'grapheme', maxLength: 12 })),
        routes: fc.array(route(), { minLength: 1, maxLength: 3 }),
        keepAlive: fc.boolean(),
      }),
    )
    .map(([h, options]) => ({ host: h, ...options }));

/** A traffic source of any kind, to one of `hosts` (default: any host). */
export function trafficSource(
  constraints: { hosts?: readonly string[] } = {},
): Arbitrary<TrafficSourceInput> {
  const hosts = constraints.hosts;
  const req = request(hosts === undefined || hosts.length === 0 ? hostname() : fc.constantFrom(...hosts));
  const rate = rps();
  return fc.oneof(
    fc.tuple(req, rate).map(([r, n]) => traffic.poisson({ ...r, rps: n })),
    fc.tuple(req, rate).map(([r, n]) => traffic.constant({ ...r, rps: n })),
    fc
      .tuple(req, rate, fc.integer({ min: 1, max: 600_000 }), share({ min: 0.001 }), rate)
      .map(([r, n, everyMs, fraction, burstRps]) =>
        traffic.bursts({
          ...r,
          rps: n,
          every: formatDurationMs(everyMs),
          length: formatDurationMs(Math.max(1, Math.floor(everyMs * fraction))),
          burstRps,
        }),
      ),
    fc
      .tuple(
        req,
        rate,
        fc.integer({ min: 0, max: 20_000 }).map((n) => n / 10),
        duration({ minMs: 1, maxMs: 3_600_000 }),
      )
      .map(([r, from, to, over]) => traffic.ramp({ ...r, from, to, over })),
    fc
      .tuple(req, rate, share(), someOf({ period: duration({ minMs: 1 }), peak: duration() }))
      .map(([r, n, amplitude, options]) => traffic.diurnal({ ...r, rps: n, amplitude, ...options })),
    fc
      .tuple(
        req,
        fc.integer({ min: 1, max: 100 }),
        fc.option(duration({ maxMs: 10_000 }), { nil: undefined }),
      )
      .map(([r, clients, thinkTime]) =>
        traffic.closedLoop({ ...r, clients, ...(thinkTime === undefined ? {} : { thinkTime }) }),
      ),
  );
}
