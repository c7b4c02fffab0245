import fc, { type Arbitrary } from 'fast-check';
import { type Endpoint, endpoint, type LatencyInput } from '../endpoint.js';
import { duration, httpStatus, record, rps, share, someOf } from './primitives.js';

// Endpoint behaviours drawn through the builders, so what is generated is what users write.

/** A latency in one of its three forms; a lognormal's p99 is at least its median. */
export function latency(): Arbitrary<LatencyInput> {
  const ms = (min: number, max: number) => fc.integer({ min, max });
  return fc.oneof(
    fc
      .tuple(ms(1, 2000), ms(0, 5000))
      .map(([median, spread]) => ({ median: `${median}ms`, p99: `${median + spread}ms` })),
    duration({ maxMs: 5000 }).map((constant) => ({ constant })),
    duration({ minMs: 1, maxMs: 5000 }).map((exponential) => ({ exponential })),
  );
}

const common = () => someOf({ latency: latency(), rtt: duration({ maxMs: 500 }) });

/** Error rates whose sum is at most 1, as simulate() requires. */
const errorMix = () =>
  fc
    .array(record({ status: httpStatus(400, 599), rate: share() }), { minLength: 1, maxLength: 3 })
    .map((errors) => {
      const total = errors.reduce((sum, e) => sum + e.rate, 0);
      return total <= 1
        ? errors
        : errors.map((e) => ({ ...e, rate: Math.floor((e.rate / total) * 1000) / 1000 }));
    });

/**
 * The behaviours simulate() runs today: healthy, slow, failing and brownout, refused and
 * black-holed connections, and resets before the response.
 */
export function runnableEndpoint(): Arbitrary<Endpoint> {
  return fc.oneof(
    common().map((options) => endpoint.healthy(options)),
    fc.tuple(common(), latency()).map(([options, slow]) => endpoint.slow({ ...options, latency: slow })),
    fc.tuple(common(), errorMix()).map(([options, errors]) => endpoint.failing({ ...options, errors })),
    fc
      .tuple(latency(), share(), fc.option(httpStatus(500, 599), { nil: undefined }))
      .map(([slow, rate, status]) =>
        endpoint.brownout({ latency: slow, rate, ...(status === undefined ? {} : { status }) }),
      ),
    fc.constant(null).map(() => endpoint.refusing()),
    fc.constant(null).map(() => endpoint.blackhole()),
    fc.tuple(common(), share()).map(([options, rate]) => endpoint.resetting({ ...options, rate })),
  );
}

/** What a flapping endpoint does while down. */
const downPhase = (): Arbitrary<Endpoint> =>
  fc.oneof(
    fc.constant(null).map(() => endpoint.refusing()),
    fc.constant(null).map(() => endpoint.blackhole()),
    fc.tuple(latency(), share()).map(([slow, rate]) => endpoint.brownout({ latency: slow, rate })),
  );

const connectFailure = (): Arbitrary<Endpoint> =>
  fc.oneof(
    fc.constant(null).map(() => endpoint.refusing()),
    fc.constant(null).map(() => endpoint.blackhole()),
    fc
      .option(
        fc.constantFrom(
          'CERTIFICATE_VERIFY_FAILED',
          'WRONG_VERSION_NUMBER',
          'HANDSHAKE_FAILURE',
          'CERTIFICATE_REQUIRED',
        ),
        { nil: undefined },
      )
      .map((reason) => endpoint.tlsBroken(reason === undefined ? {} : { reason })),
  );

const resetting = (): Arbitrary<Endpoint> =>
  someOf({ rate: share() }).map((options) => endpoint.resetting(options));

const rateLimited = (): Arbitrary<Endpoint> =>
  fc
    .tuple(rps(500), someOf({ burst: fc.integer({ min: 1, max: 1000 }), status: httpStatus(400, 599) }))
    .map(([limit, options]) => endpoint.rateLimited({ rps: limit, ...options }));

const capacityLimited = (): Arbitrary<Endpoint> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 256 }),
      someOf({ queue: record({ size: fc.integer({ min: 0, max: 1000 }) }), latency: latency() }),
    )
    .map(([concurrency, options]) => endpoint.capacityLimited({ concurrency, ...options }));

const flapping = (): Arbitrary<Endpoint> =>
  fc
    .tuple(
      record({ period: duration({ minMs: 1, maxMs: 600_000 }), duty: share() }),
      someOf({ down: downPhase(), offset: duration({ maxMs: 60_000 }) }),
    )
    .map(([cycle, options]) => endpoint.flapping({ ...cycle, ...options }));

const idleClosing = (): Arbitrary<Endpoint> =>
  duration({ minMs: 1, maxMs: 300_000 }).map((idleTimeout) => endpoint.idleClosing({ idleTimeout }));

/** One behaviour of each kind the Scenario can describe, through its builder. */
function singleEndpoint(): Arbitrary<Endpoint> {
  return fc.oneof(
    runnableEndpoint(),
    connectFailure(),
    resetting(),
    rateLimited(),
    capacityLimited(),
    flapping(),
    idleClosing(),
  );
}

/**
 * Several behaviours at once, one per aspect (latency, errors, connect, reset, rate limit,
 * capacity, flapping, idle close), laid over each other with `with`. Each aspect is a record key
 * that shrinking can drop, so a counterexample keeps only the aspects it needs.
 */
function composedEndpoint(): Arbitrary<Endpoint> {
  return someOf({
    latency: fc.oneof(
      common().map((options) => endpoint.healthy(options)),
      latency().map((slow) => endpoint.slow({ latency: slow })),
    ),
    errors: errorMix().map((errors) => endpoint.failing({ errors })),
    connect: connectFailure(),
    reset: resetting(),
    rateLimit: rateLimited(),
    capacity: capacityLimited(),
    flap: flapping(),
    idle: idleClosing(),
  }).map((aspects) => endpoint.healthy().with(...Object.values(aspects)));
}

/** Any behaviour the Scenario can describe: one builder, or several aspects composed with `with`. */
export function endpointBehaviour(): Arbitrary<Endpoint> {
  return fc.oneof({ weight: 2, arbitrary: singleEndpoint() }, { weight: 1, arbitrary: composedEndpoint() });
}
