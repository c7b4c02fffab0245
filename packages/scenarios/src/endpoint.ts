import type { EndpointBehaviourInput, EndpointBehaviourPatchInput, TlsFailureReason } from '@meshsim/core';
import { defined, withHiddenMethod } from './plain.js';

/** A latency as the Scenario YAML writes it: `{ median, p99 }`, `{ constant }` or `{ exponential }`. */
export type LatencyInput = NonNullable<EndpointBehaviourInput['latency']>;
/** One `errors` entry: answer `status` to a share `rate` of requests. */
export type ErrorInput = NonNullable<EndpointBehaviourInput['errors']>[number];
/** A `flap` entry: up and down in turn. */
export type FlapInput = NonNullable<EndpointBehaviourInput['flap']>;

/**
 * An `endpoints.<address>` entry exactly as the Scenario YAML writes it, plus `with` (not
 * enumerable, so `Object.keys`, JSON, YAML and the schema see only the YAML's fields).
 */
export type Endpoint = EndpointBehaviourInput & {
  /**
   * This behaviour with `others` laid over it, left to right: their fields replace this one's,
   * except `errors`, which are appended (a status mix). A new `connect` drops a `tlsReason` it
   * does not restate.
   */
  with(...others: readonly EndpointBehaviourInput[]): Endpoint;
};

function layered(base: EndpointBehaviourInput, others: readonly EndpointBehaviourInput[]): Endpoint {
  const out: EndpointBehaviourInput = { ...base };
  for (const other of others) {
    const { errors, ...rest } = other;
    if (rest.connect !== undefined && rest.tlsReason === undefined) delete out.tlsReason;
    Object.assign(out, rest);
    if (errors !== undefined) out.errors = [...(out.errors ?? []), ...errors];
  }
  return lift(out);
}

function lift(fields: EndpointBehaviourInput): Endpoint {
  const entry = defined(fields);
  return withHiddenMethod(entry, 'with', (...others: readonly EndpointBehaviourInput[]) =>
    layered(entry, others),
  );
}

/** Options every behaviour accepts besides its own: the server's response time and the round trip to it. */
export interface CommonOptions {
  /** Server time before the response (default: none). */
  latency?: LatencyInput;
  /** Round trip to this endpoint (default: the Scenario's `network.rtt`). */
  rtt?: string;
}

const common = (options: CommonOptions): EndpointBehaviourInput => ({
  latency: options.latency,
  rtt: options.rtt,
});

function healthy(options: CommonOptions = {}): Endpoint {
  return lift(common(options));
}

/** `{ status, rate }` for one status, or `{ errors }` for a mix; each request fails independently. */
type FailingOptions = CommonOptions & ({ status: number; rate: number } | { errors: readonly ErrorInput[] });

function failing(options: FailingOptions): Endpoint {
  const errors =
    'errors' in options
      ? options.errors.map((e) => ({ status: e.status, rate: e.rate }))
      : [{ status: options.status, rate: options.rate }];
  return lift({ ...common(options), errors });
}

/**
 * Builders for the Scenario's `endpoints.<address>` entries. Each returns the YAML's own shape,
 * only the fields it was given, and composes with `.with(...)`:
 * `endpoint.healthy({ latency }).with(endpoint.failing({ status: 503, rate: 0.1 }))`.
 * None uses `this`, so `const { healthy, failing } = endpoint` works.
 */
export const endpoint = {
  /** Any entry written by hand, given `.with`. */
  of(fields: EndpointBehaviourInput | EndpointBehaviourPatchInput): Endpoint {
    return lift({ ...fields });
  },

  /** Answers every request, after `latency` of server time. */
  healthy,

  /** Slow but correct: `healthy` with the latency required. */
  slow(options: CommonOptions & { latency: LatencyInput }): Endpoint {
    return healthy(options);
  },

  /** Answers `status` to a share `rate` of requests, or a mix: `{ errors: [{ status, rate }, …] }`. */
  failing,

  /** Degraded: slow, and failing a share of requests (`status` defaults to 503). */
  brownout(options: CommonOptions & { latency: LatencyInput; rate: number; status?: number }): Endpoint {
    return failing({ ...options, status: options.status ?? 503 });
  },

  /** Connections are refused (nothing listens): `connect: refuse`. */
  refusing(): Endpoint {
    return lift({ connect: 'refuse' });
  },

  /** Connection attempts hang until Envoy's connect timeout: `connect: blackhole`. */
  blackhole(): Endpoint {
    return lift({ connect: 'blackhole' });
  },

  /** The TLS handshake fails, for `reason` (default, as the YAML: CERTIFICATE_VERIFY_FAILED). */
  tlsBroken(options: { reason?: TlsFailureReason } = {}): Endpoint {
    return lift({ connect: 'tlsError', tlsReason: options.reason });
  },

  /** Closes the connection before answering a share `rate` of requests (default all): `reset`. */
  resetting(options: CommonOptions & { rate?: number } = {}): Endpoint {
    return lift({ ...common(options), reset: { rate: options.rate ?? 1 } });
  },

  /** A token bucket of `rps` a second holding `burst`; requests finding it empty get `status` (429). */
  rateLimited(options: CommonOptions & { rps: number; burst?: number; status?: number }): Endpoint {
    const { rps, burst, status } = options;
    return lift({ ...common(options), rateLimit: defined({ rps, status, burst }) });
  },

  /**
   * Serves `concurrency` requests at once, each taking `latency` (the service time); the rest
   * wait, at most `queue.size` of them, and beyond that are answered `queue.status` (503).
   */
  capacityLimited(
    options: CommonOptions & { concurrency: number; queue?: { size: number; status?: number } },
  ): Endpoint {
    const { concurrency, queue } = options;
    return lift({
      ...common(options),
      concurrency,
      queue: queue === undefined ? undefined : defined({ size: queue.size, status: queue.status }),
    });
  },

  /**
   * Up for `duty × period`, then down for the rest, in turn; while down, `down` replaces its
   * fields (default: connections refused). `offset` shifts the cycle.
   */
  flapping(options: {
    period: string;
    duty: number;
    down?: EndpointBehaviourPatchInput;
    offset?: string;
  }): Endpoint {
    const { period, duty, down, offset } = options;
    return lift({
      flap: defined({ period, duty, down: down === undefined ? undefined : { ...down }, offset }),
    });
  },

  /** Closes keep-alive connections idle for `idleTimeout` (Envoy then risks the keep-alive race). */
  idleClosing(options: { idleTimeout: string }): Endpoint {
    return lift({ idleTimeout: options.idleTimeout });
  },
};
