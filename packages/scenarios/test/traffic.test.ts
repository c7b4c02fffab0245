import { dnsEntrySchema, PARSE_OPTIONS, type TrafficSourceInput, trafficSourceSchema } from '@meshsim/core';
import { dns, traffic } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

const host = 'api.example.com';

const SHAPES: ReadonlyArray<[string, TrafficSourceInput, object]> = [
  ['poisson({ host, rps })', traffic.poisson({ host, rps: 200 }), { host, rps: 200 }],
  [
    'poisson with every request field',
    traffic.poisson({
      host,
      rps: 5,
      port: 443,
      path: '/v1/charges',
      method: 'POST',
      headers: { 'x-tenant': 'a' },
    }),
    { host, port: 443, path: '/v1/charges', method: 'POST', headers: { 'x-tenant': 'a' }, rps: 5 },
  ],
  [
    'poisson with a weighted route mix',
    traffic.poisson({
      host,
      rps: 10,
      routes: [
        { path: '/read', weight: 9 },
        { path: '/write', method: 'PUT' },
      ],
    }),
    {
      host,
      routes: [
        { path: '/read', weight: 9 },
        { path: '/write', method: 'PUT' },
      ],
      rps: 10,
    },
  ],
  ['constant({ host, rps })', traffic.constant({ host, rps: 4 }), { host, rps: 4, arrivals: 'constant' }],
  [
    'bursts({ every, length, burstRps })',
    traffic.bursts({ host, rps: 10, every: '1m', length: '5s', burstRps: 500 }),
    { host, rps: 10, bursts: { every: '1m', length: '5s', rps: 500 } },
  ],
  [
    'bursts with constant arrivals',
    traffic.bursts({ host, rps: 1, every: '10s', length: '1s', burstRps: 9, arrivals: 'constant' }),
    { host, rps: 1, arrivals: 'constant', bursts: { every: '10s', length: '1s', rps: 9 } },
  ],
  [
    'ramp({ from, to, over })',
    traffic.ramp({ host, from: 10, to: 400, over: '5m' }),
    { host, rps: 10, ramp: { to: 400, over: '5m' } },
  ],
  [
    'diurnal({ rps, amplitude })',
    traffic.diurnal({ host, rps: 100, amplitude: 0.6 }),
    { host, rps: 100, diurnal: { amplitude: 0.6 } },
  ],
  [
    'diurnal({ period, peak })',
    traffic.diurnal({ host, rps: 100, amplitude: 0.6, period: '1h', peak: '30m' }),
    { host, rps: 100, diurnal: { period: '1h', amplitude: 0.6, peak: '30m' } },
  ],
  ['closedLoop({ clients })', traffic.closedLoop({ host, clients: 10 }), { host, clients: 10 }],
  [
    'closedLoop({ clients, thinkTime, path })',
    traffic.closedLoop({ host, clients: 10, thinkTime: '100ms', path: '/q' }),
    { host, path: '/q', clients: 10, thinkTime: '100ms' },
  ],
];

describe('traffic builders return the Scenario YAML shape, with only the fields given', () => {
  it.each(SHAPES)('%s', (_, built, yaml) => {
    expect(built).toStrictEqual(yaml);
  });

  it.each(SHAPES)("%s is valid for the Scenario's traffic schema", (_, built) => {
    expect(trafficSourceSchema.safeParse(built, PARSE_OPTIONS).error?.issues).toBeUndefined();
  });

  it("fills the schema's defaults only when parsed", () => {
    expect(trafficSourceSchema.parse(traffic.poisson({ host, rps: 200 }))).toEqual({
      host,
      path: '/',
      method: 'GET',
      headers: {},
      keepAlive: true,
      rps: 200,
    });
  });

  it('copies what it is given, so a later change to the caller’s objects does not leak in', () => {
    const headers = { 'x-a': '1' };
    const routes = [{ path: '/a' }];
    const built = traffic.poisson({ host, rps: 1, headers, routes });
    headers['x-a'] = '2';
    routes[0]!.path = '/b';
    expect(built).toStrictEqual({ host, headers: { 'x-a': '1' }, routes: [{ path: '/a' }], rps: 1 });
  });
});

describe('dns.record', () => {
  it('returns the dns entry as written', () => {
    expect(dns.record({ answers: ['198.51.100.1'] })).toStrictEqual({ answers: ['198.51.100.1'] });
    expect(dns.record({ answers: ['198.51.100.1', '198.51.100.2'], ttl: '30s', rotate: true })).toStrictEqual(
      {
        ttl: '30s',
        answers: ['198.51.100.1', '198.51.100.2'],
        rotate: true,
      },
    );
  });

  it('is valid for the schema, which defaults rotate to false', () => {
    expect(dnsEntrySchema.parse(dns.record({ answers: [] }))).toEqual({
      answers: [],
      rotate: false,
      failure: 'none',
    });
  });
});
