import {
  type DnsEntryInput,
  formatDurationMs,
  type TrafficPatchInput,
  type TrafficSourceInput,
} from '@meshsim/core';
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

/** One rate shape (bursts, a ramp or a diurnal swing), as a source or a timeline patch writes it. */
export type RateShapeInput = Pick<TrafficPatchInput, 'bursts' | 'ramp' | 'diurnal'>;

/**
 * One of bursts, a ramp or a diurnal swing, with rates up to `maxRps` and periods up to `maxPeriodMs`
 * (defaults: 2 000 rps, 24 h), so a runnable simulation can keep its shapes short and cheap.
 */
export function rateShape(
  constraints: { maxRps?: number; maxPeriodMs?: number } = {},
): Arbitrary<RateShapeInput> {
  const maxRps = constraints.maxRps ?? 2000;
  const maxPeriodMs = constraints.maxPeriodMs ?? 86_400_000;
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: Math.min(600_000, maxPeriodMs) }), share({ min: 0.001 }), rps(maxRps))
      .map(([everyMs, fraction, burstRps]) => ({
        bursts: {
          every: formatDurationMs(everyMs),
          length: formatDurationMs(Math.max(1, Math.floor(everyMs * fraction))),
          rps: burstRps,
        },
      })),
    fc
      .tuple(
        fc.integer({ min: 0, max: maxRps * 10 }).map((n) => n / 10),
        duration({ minMs: 1, maxMs: Math.min(3_600_000, maxPeriodMs) }),
      )
      .map(([to, over]) => ({ ramp: { to, over } })),
    fc
      .tuple(
        share(),
        someOf({
          period: duration({ minMs: 1, maxMs: maxPeriodMs }),
          peak: duration({ maxMs: maxPeriodMs }),
        }),
      )
      .map(([amplitude, options]) => ({ diurnal: { amplitude, ...options } })),
  );
}

const arrivals = () =>
  fc.option(fc.constantFrom('poisson' as const, 'constant' as const), { nil: undefined });

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
      .tuple(req, rate, fc.integer({ min: 1, max: 600_000 }), share({ min: 0.001 }), rate, arrivals())
      .map(([r, n, everyMs, fraction, burstRps, a]) =>
        traffic.bursts({
          ...r,
          rps: n,
          every: formatDurationMs(everyMs),
          length: formatDurationMs(Math.max(1, Math.floor(everyMs * fraction))),
          burstRps,
          ...(a === undefined ? {} : { arrivals: a }),
        }),
      ),
    fc
      .tuple(
        req,
        rate,
        fc.integer({ min: 0, max: 20_000 }).map((n) => n / 10),
        duration({ minMs: 1, maxMs: 3_600_000 }),
        arrivals(),
      )
      .map(([r, from, to, over, a]) =>
        traffic.ramp({ ...r, from, to, over, ...(a === undefined ? {} : { arrivals: a }) }),
      ),
    fc
      .tuple(req, rate, share(), someOf({ period: duration({ minMs: 1 }), peak: duration() }), arrivals())
      .map(([r, n, amplitude, options, a]) =>
        traffic.diurnal({ ...r, rps: n, amplitude, ...options, ...(a === undefined ? {} : { arrivals: a }) }),
      ),
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
