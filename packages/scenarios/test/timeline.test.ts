import { loadConfig, timelineEventSchema } from '@meshsim/core';
import { at, endpoint, scenario, type TimelineEntry, toYaml } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

const SHAPES: ReadonlyArray<[string, TimelineEntry, object]> = [
  [
    "at('2m').endpoint(a).becomes(endpoint.refusing())",
    at('2m').endpoint('10.1.1.10').becomes(endpoint.refusing()),
    { at: '2m', endpoint: '10.1.1.10', becomes: { connect: 'refuse' } },
  ],
  [
    "at('2m').endpoint(a).set({ rtt })",
    at('2m').endpoint('10.1.1.10').set({ rtt: '50ms' }),
    { at: '2m', endpoint: '10.1.1.10', set: { rtt: '50ms' } },
  ],
  [
    "at('1m').endpoint(a).down()",
    at('1m').endpoint('10.1.1.10').down(),
    {
      at: '1m',
      endpoint: '10.1.1.10',
      set: { connect: 'refuse' },
    },
  ],
  [
    "at('5m').locality(r).down()",
    at('5m').locality('us-east-1').down(),
    {
      at: '5m',
      locality: 'us-east-1',
      set: { connect: 'refuse' },
    },
  ],
  [
    "at('9m').locality(r).up()",
    at('9m').locality('us-east-1').up(),
    {
      at: '9m',
      locality: 'us-east-1',
      set: { connect: 'ok' },
    },
  ],
  [
    "at('5m').locality(z).becomes(brownout)",
    at('5m')
      .locality('eu-west-1/eu-west-1a')
      .becomes(endpoint.brownout({ latency: { constant: '1s' }, rate: 0.2 })),
    {
      at: '5m',
      locality: 'eu-west-1/eu-west-1a',
      becomes: { latency: { constant: '1s' }, errors: [{ status: 503, rate: 0.2 }] },
    },
  ],
  [
    "at('5m').dns(h).answers([ip])",
    at('5m').dns('api.third-party.io').answers(['198.51.100.4']),
    {
      at: '5m',
      dns: 'api.third-party.io',
      set: { answers: ['198.51.100.4'] },
    },
  ],
  [
    "at('5m').dns(h).set({ ttl })",
    at('5m').dns('api.third-party.io').set({ ttl: '1s' }),
    {
      at: '5m',
      dns: 'api.third-party.io',
      set: { ttl: '1s' },
    },
  ],
  ["at('7m').traffic(0).rps(400)", at('7m').traffic(0).rps(400), { at: '7m', traffic: 0, set: { rps: 400 } }],
  [
    "at('7m').traffic(1).set({ ramp })",
    at('7m')
      .traffic(1)
      .set({ ramp: { to: 0, over: '1m' } }),
    { at: '7m', traffic: 1, set: { ramp: { to: 0, over: '1m' } } },
  ],
  ["at('0s').phase('warm-up')", at('0s').phase('warm-up'), { at: '0s', phase: 'warm-up' }],
  [
    '….labelled(phase)',
    at('2m').endpoint('10.1.1.10').down().labelled('outage'),
    { at: '2m', phase: 'outage', endpoint: '10.1.1.10', set: { connect: 'refuse' } },
  ],
  [
    '….labelled(a).labelled(b): the last label wins',
    at('0s').phase('a').labelled('b'),
    { at: '0s', phase: 'b' },
  ],
];

describe('timeline entries are the Scenario YAML shape', () => {
  it.each(SHAPES)('%s', (_, built, yaml) => {
    expect(built).toStrictEqual(yaml);
  });

  it.each(SHAPES)('%s is a valid timeline entry', (_, built) => {
    expect(timelineEventSchema.safeParse(built).error?.issues).toBeUndefined();
  });

  it('the phase is written right after at', () => {
    expect(Object.keys(at('1m').traffic(0).rps(5).labelled('peak'))).toEqual([
      'at',
      'phase',
      'traffic',
      'set',
    ]);
  });

  it('becomes() copies the behaviour without its with()', () => {
    const behaviour = endpoint.failing({ status: 503, rate: 0.5 });
    const entry = at('1m').endpoint('10.0.0.1').becomes(behaviour);
    expect('becomes' in entry && entry.becomes).not.toBe(behaviour);
    expect(Object.getOwnPropertyNames('becomes' in entry ? entry.becomes : {})).toEqual(['errors']);
  });

  it('a traffic index must exist in the scenario, which only the whole document can tell', () => {
    const doc = scenario({ traffic: [], timeline: [at('1m').traffic(0).rps(5)] });
    const diagnostics = loadConfig(toYaml(doc)).diagnostics;
    expect(diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual(['error spec.timeline[0].traffic']);
  });
});
