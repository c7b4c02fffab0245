import { endpointBehaviourSchema, PARSE_OPTIONS } from '@meshsim/core';
import { type Endpoint, endpoint } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

/** Each builder's output as the YAML writes it, and what it must not be confused with. */
const SHAPES: ReadonlyArray<[string, Endpoint, object]> = [
  ['healthy()', endpoint.healthy(), {}],
  [
    'healthy({ latency, rtt })',
    endpoint.healthy({ latency: { median: '40ms', p99: '200ms' }, rtt: '20ms' }),
    {
      latency: { median: '40ms', p99: '200ms' },
      rtt: '20ms',
    },
  ],
  ['slow({ latency })', endpoint.slow({ latency: { constant: '2s' } }), { latency: { constant: '2s' } }],
  [
    'failing({ status, rate })',
    endpoint.failing({ status: 503, rate: 0.3 }),
    {
      errors: [{ status: 503, rate: 0.3 }],
    },
  ],
  [
    'failing({ errors }) — a status mix',
    endpoint.failing({
      errors: [
        { status: 503, rate: 0.2 },
        { status: 500, rate: 0.05 },
      ],
    }),
    {
      errors: [
        { status: 503, rate: 0.2 },
        { status: 500, rate: 0.05 },
      ],
    },
  ],
  [
    'brownout({ latency, rate })',
    endpoint.brownout({ latency: { exponential: '300ms' }, rate: 0.1 }),
    {
      latency: { exponential: '300ms' },
      errors: [{ status: 503, rate: 0.1 }],
    },
  ],
  [
    'brownout({ status })',
    endpoint.brownout({ latency: { constant: '1s' }, rate: 0.5, status: 504 }),
    {
      latency: { constant: '1s' },
      errors: [{ status: 504, rate: 0.5 }],
    },
  ],
  ['refusing()', endpoint.refusing(), { connect: 'refuse' }],
  ['blackhole()', endpoint.blackhole(), { connect: 'blackhole' }],
  ['tlsBroken()', endpoint.tlsBroken(), { connect: 'tlsError' }],
  [
    'tlsBroken({ reason })',
    endpoint.tlsBroken({ reason: 'CERTIFICATE_REQUIRED' }),
    {
      connect: 'tlsError',
      tlsReason: 'CERTIFICATE_REQUIRED',
    },
  ],
  ['resetting()', endpoint.resetting(), { reset: { rate: 1 } }],
  ['resetting({ rate })', endpoint.resetting({ rate: 0.01 }), { reset: { rate: 0.01 } }],
  ['rateLimited({ rps })', endpoint.rateLimited({ rps: 50 }), { rateLimit: { rps: 50 } }],
  [
    'rateLimited({ rps, burst, status })',
    endpoint.rateLimited({ rps: 50, burst: 100, status: 503 }),
    {
      rateLimit: { rps: 50, status: 503, burst: 100 },
    },
  ],
  ['capacityLimited({ concurrency })', endpoint.capacityLimited({ concurrency: 10 }), { concurrency: 10 }],
  [
    'capacityLimited({ concurrency, queue, latency })',
    endpoint.capacityLimited({ concurrency: 10, queue: { size: 50 }, latency: { constant: '20ms' } }),
    { latency: { constant: '20ms' }, concurrency: 10, queue: { size: 50 } },
  ],
  [
    'flapping({ period, duty })',
    endpoint.flapping({ period: '1m', duty: 0.8 }),
    {
      flap: { period: '1m', duty: 0.8 },
    },
  ],
  [
    'flapping({ down, offset })',
    endpoint.flapping({ period: '10s', duty: 0.5, down: endpoint.blackhole(), offset: '3s' }),
    { flap: { period: '10s', duty: 0.5, down: { connect: 'blackhole' }, offset: '3s' } },
  ],
  ['idleClosing({ idleTimeout })', endpoint.idleClosing({ idleTimeout: '5s' }), { idleTimeout: '5s' }],
  ['of(fields)', endpoint.of({ rtt: '80ms', latency: undefined }), { rtt: '80ms' }],
];

describe('endpoint builders return the Scenario YAML shape, with only the fields given', () => {
  it.each(SHAPES)('%s', (_, built, yaml) => {
    expect(built).toStrictEqual(yaml);
    expect(JSON.parse(JSON.stringify(built))).toStrictEqual(yaml);
  });

  it.each(SHAPES)("%s is valid for the Scenario's endpoint schema", (_, built) => {
    expect(endpointBehaviourSchema.safeParse(built, PARSE_OPTIONS).error?.issues).toBeUndefined();
  });

  it('with is not a field: keys, JSON and spreading see only the YAML', () => {
    const e = endpoint.failing({ status: 503, rate: 0.1 });
    expect(Object.keys(e)).toEqual(['errors']);
    expect(JSON.stringify(e)).toBe('{"errors":[{"status":503,"rate":0.1}]}');
    expect(Object.keys({ ...e })).toEqual(['errors']);
    expect(typeof e.with).toBe('function');
  });

  it('each call returns a fresh object', () => {
    const a = endpoint.failing({ status: 503, rate: 0.1 });
    const b = endpoint.failing({ status: 503, rate: 0.1 });
    expect(a).not.toBe(b);
    expect(a.errors).not.toBe(b.errors);
  });

  it('a destructured builder works (none uses this)', () => {
    const { failing, healthy } = endpoint;
    expect(healthy({ rtt: '1ms' }).with(failing({ status: 500, rate: 1 }))).toStrictEqual({
      rtt: '1ms',
      errors: [{ status: 500, rate: 1 }],
    });
  });
});

describe('with() composes behaviours', () => {
  it('healthy(...).with(failing(...)) keeps the latency and adds the errors', () => {
    const e = endpoint
      .healthy({ latency: { median: '40ms', p99: '200ms' } })
      .with(endpoint.failing({ status: 503, rate: 0.3 }));
    expect(e).toStrictEqual({
      latency: { median: '40ms', p99: '200ms' },
      errors: [{ status: 503, rate: 0.3 }],
    });
  });

  it('errors add up into a status mix, in order', () => {
    const e = endpoint
      .failing({ status: 503, rate: 0.2 })
      .with(endpoint.failing({ status: 500, rate: 0.05 }), endpoint.failing({ status: 429, rate: 0.01 }));
    expect(e.errors).toStrictEqual([
      { status: 503, rate: 0.2 },
      { status: 500, rate: 0.05 },
      { status: 429, rate: 0.01 },
    ]);
  });

  it('later fields replace earlier ones', () => {
    const e = endpoint
      .slow({ latency: { constant: '2s' }, rtt: '5ms' })
      .with(endpoint.healthy({ latency: { constant: '10ms' } }), endpoint.rateLimited({ rps: 5 }));
    expect(e).toStrictEqual({ latency: { constant: '10ms' }, rtt: '5ms', rateLimit: { rps: 5 } });
  });

  it('a new connect drops a tlsReason it does not restate, so the result stays valid', () => {
    const e = endpoint.tlsBroken({ reason: 'WRONG_VERSION_NUMBER' }).with(endpoint.refusing());
    expect(e).toStrictEqual({ connect: 'refuse' });
    expect(endpointBehaviourSchema.safeParse(e).success).toBe(true);
    const kept = endpoint.refusing().with(endpoint.tlsBroken({ reason: 'HANDSHAKE_FAILURE' }));
    expect(kept).toStrictEqual({ connect: 'tlsError', tlsReason: 'HANDSHAKE_FAILURE' });
  });

  it('neither operand is changed, and the result composes again', () => {
    const base = endpoint.failing({ status: 503, rate: 0.1 });
    const more = endpoint.failing({ status: 500, rate: 0.2 });
    const both = base.with(more);
    expect(base).toStrictEqual({ errors: [{ status: 503, rate: 0.1 }] });
    expect(more).toStrictEqual({ errors: [{ status: 500, rate: 0.2 }] });
    expect(both.with(endpoint.idleClosing({ idleTimeout: '1s' }))).toStrictEqual({
      errors: [
        { status: 503, rate: 0.1 },
        { status: 500, rate: 0.2 },
      ],
      idleTimeout: '1s',
    });
  });

  it('with() of nothing is an equal copy', () => {
    const base = endpoint.capacityLimited({ concurrency: 2, queue: { size: 0, status: 503 } });
    const copy = base.with();
    expect(copy).not.toBe(base);
    expect(copy).toStrictEqual({ concurrency: 2, queue: { size: 0, status: 503 } });
  });
});
