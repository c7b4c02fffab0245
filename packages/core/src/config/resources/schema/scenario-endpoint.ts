import { isIP } from 'node:net';
import * as z from 'zod';
import { GRPC_STATUS_NAMES } from '../../../envoy/grpc-status.js';
import { type Duration, duration, integer, numberIn, positiveNumber } from './common.js';
import { describeValue } from './messages.js';

/** Response time of an endpoint: lognormal from median and p99, constant, or exponential with this mean. */
export type Latency =
  | { median: Duration; p99: Duration }
  | { constant: Duration }
  | { exponential: Duration };

const LATENCY_FORMS = '{ median, p99 }, { constant } or { exponential }';

export const latencySchema = z
  .strictObject({
    median: duration().optional(),
    p99: duration().optional(),
    constant: duration().optional(),
    exponential: duration().optional(),
  })
  .superRefine((latency, ctx) => {
    const lognormal = latency.median !== undefined || latency.p99 !== undefined;
    const forms = [lognormal, latency.constant !== undefined, latency.exponential !== undefined].filter(
      Boolean,
    );
    if (forms.length !== 1) {
      ctx.addIssue({ code: 'custom', input: latency, message: `must be exactly one of ${LATENCY_FORMS}` });
      return;
    }
    if (!lognormal) return;
    if (latency.median === undefined)
      ctx.addIssue({ code: 'custom', path: ['median'], message: 'is required with p99' });
    if (latency.p99 === undefined)
      ctx.addIssue({ code: 'custom', path: ['p99'], message: 'is required with median' });
    if (latency.median !== undefined && latency.median.ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['median'],
        input: latency.median.text,
        message: 'must be greater than 0',
      });
    }
    if (latency.median !== undefined && latency.p99 !== undefined && latency.p99.ms < latency.median.ms) {
      const message = `must be at least the median (${latency.median.text}), got ${describeValue(latency.p99.text)}`;
      ctx.addIssue({ code: 'custom', path: ['p99'], input: latency.p99.text, message });
    }
  })
  .transform((latency, ctx): Latency => {
    if (latency.constant !== undefined) return { constant: latency.constant };
    if (latency.exponential !== undefined) return { exponential: latency.exponential };
    if (latency.median !== undefined && latency.p99 !== undefined)
      return { median: latency.median, p99: latency.p99 };
    ctx.addIssue({ code: 'custom', input: latency, message: `must be exactly one of ${LATENCY_FORMS}` });
    return z.NEVER;
  });

export const CONNECT_BEHAVIOURS = ['ok', 'refuse', 'blackhole', 'tlsError'] as const;
/** How a TCP/TLS connection attempt to the endpoint ends. */
export type ConnectBehaviour = (typeof CONNECT_BEHAVIOURS)[number];

const httpStatus = () => integer(100, 599);
const rate = () => numberIn(0, 1);

/** How a failure mode ends the stream instead of a whole answer (HTTP/2 RST_STREAM). */
export const STREAM_RESETS = ['refused-stream', 'after-headers'] as const;
export type StreamReset = (typeof STREAM_RESETS)[number];

/**
 * One failure mode. `grpcStatus` makes it a gRPC answer: HTTP `status` (default 200) carrying that
 * grpc-status, in the only header block (Trailers-Only, as a server answers an error before any message)
 * or, with `inTrailers`, in trailers after the headers and data. `reset` ends the stream instead:
 * refused before any answer, or reset after the headers (`status`, default 200) went out.
 */
const errorSchema = z
  .strictObject({
    status: httpStatus().optional(),
    grpcStatus: z.enum(GRPC_STATUS_NAMES).optional(),
    inTrailers: z.boolean().optional(),
    reset: z.enum(STREAM_RESETS).optional(),
    envoyRateLimited: z.boolean().optional(),
    rate: rate(),
  })
  .superRefine((e, ctx) => {
    if (e.status === undefined && e.grpcStatus === undefined && e.reset === undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'is required without grpcStatus or reset' });
    if (e.inTrailers !== undefined && e.grpcStatus === undefined)
      ctx.addIssue({ code: 'custom', path: ['inTrailers'], message: 'needs grpcStatus' });
    if (e.reset !== undefined) checkResetAlone(e, e.reset, ctx);
  });

/** A reset stream carries no grpc-status; a refused one carries no answer at all. */
function checkResetAlone(
  e: { status?: number | undefined; grpcStatus?: string | undefined; envoyRateLimited?: boolean | undefined },
  reset: StreamReset,
  ctx: z.core.$RefinementCtx<unknown>,
): void {
  if (e.grpcStatus !== undefined) {
    const message = `cannot be given with reset: ${reset}, whose stream ends without a grpc-status`;
    ctx.addIssue({ code: 'custom', path: ['grpcStatus'], input: e.grpcStatus, message });
  }
  if (reset !== 'refused-stream') return;
  for (const field of ['status', 'envoyRateLimited'] as const) {
    if (e[field] === undefined) continue;
    const message = 'cannot be given with reset: refused-stream, which refuses the stream before any answer';
    ctx.addIssue({ code: 'custom', path: [field], input: e[field], message });
  }
}

/** An endpoint's failure mode as parsed: HTTP status (absent with grpcStatus: 200), share, gRPC status. */
export type EndpointError = z.infer<typeof errorSchema>;

/** What a TLS handshake with the endpoint fails on, named as Envoy's transport failure reason does. */
export const TLS_FAILURE_REASONS = [
  'CERTIFICATE_VERIFY_FAILED',
  'WRONG_VERSION_NUMBER',
  'HANDSHAKE_FAILURE',
  'CERTIFICATE_REQUIRED',
] as const;
export type TlsFailureReason = (typeof TLS_FAILURE_REASONS)[number];

/** Server TLS versions a Scenario endpoint may cap at; older ones fail Istio's TLS 1.2 minimum. */
export const TLS_MAX_PROTOCOL_VERSIONS = ['TLSV1_2', 'TLSV1_3'] as const;

const count = (min: number) => integer(min, Number.MAX_SAFE_INTEGER);

/** A certificate's names and times are kept short: a Scenario describes a server, not a PKI. */
export const MAX_CERTIFICATE_SANS = 64;

/**
 * The certificate the endpoint presents in a TLS handshake the sidecar originates. `issuer` names the CA
 * that signed it: `public` (absent) is a CA in the system trust store, `mesh` Istio's own CA (trusted by
 * ISTIO_MUTUAL), any other name a private CA, trusted only by a DestinationRule whose `caCertificates`
 * (the file path) is that same name. `notBefore`/`notAfter` are times from the start of the run
 * (absent: valid from before the run, never expiring); `expired: true` expired before the run.
 */
export const certificateSchema = z
  .strictObject({
    subjectAltNames: z.array(z.string().min(1).max(253)).max(MAX_CERTIFICATE_SANS),
    issuer: z.string().min(1).max(253).default('public'),
    notBefore: duration().optional(),
    notAfter: duration().optional(),
    expired: z.boolean().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.expired === true && (c.notAfter !== undefined || c.notBefore !== undefined)) {
      const message = 'expired: true means it expired before the run; give notBefore/notAfter instead';
      ctx.addIssue({ code: 'custom', path: ['expired'], input: c.expired, message });
    }
    if (c.notBefore !== undefined && c.notAfter !== undefined && c.notAfter.ms <= c.notBefore.ms) {
      const message = `must be after notBefore (${c.notBefore.text}), got ${describeValue(c.notAfter.text)}`;
      ctx.addIssue({ code: 'custom', path: ['notAfter'], input: c.notAfter.text, message });
    }
  });
export type Certificate = z.infer<typeof certificateSchema>;

/** Shared by the endpoint map (with defaults) and timeline patches (without, so unset fields stay unchanged). */
function endpointShape(withDefaults: boolean) {
  return {
    latency: latencySchema.optional(),
    /** Independent per request, checked in order. */
    errors: withDefaults ? z.array(errorSchema).default(() => []) : z.array(errorSchema).optional(),
    connect: withDefaults ? z.enum(CONNECT_BEHAVIOURS).default('ok') : z.enum(CONNECT_BEHAVIOURS).optional(),
    /**
     * With `connect: tlsError`: what the handshake fails on. Absent: CERTIFICATE_VERIFY_FAILED. In a
     * timeline `set`, the endpoint must have connect: tlsError then (in the patch or already).
     */
    tlsReason: z.enum(TLS_FAILURE_REASONS).optional(),
    /**
     * The newest TLS version the server accepts (Istio's ServerTLSSettings.maxProtocolVersion values).
     * Istio's upstream TLS offers 1.2 to 1.3, so TLSV1_2 makes each full handshake take 2 round trips
     * instead of 1. Absent: TLSV1_3.
     */
    tlsMaxProtocolVersion: z.enum(TLS_MAX_PROTOCOL_VERSIONS).optional(),
    /** Share of requests whose connection is closed before the response. */
    reset: z.strictObject({ rate: rate() }).optional(),
    /**
     * Requests served at once; beyond it requests queue. Absent: unlimited. Changed on the timeline,
     * requests already admitted (in service or waiting) keep their times and the new count applies to
     * arrivals from then: a cut retires the slots that free first, added slots are free at once (so a
     * new arrival may start before requests already waiting); from unlimited, the slots start empty.
     */
    concurrency: count(1).optional(),
    /**
     * With `concurrency`: at most `size` requests wait; the rest are answered `status` at once. Absent:
     * unbounded. Changed on the timeline, requests already waiting stay; in a `set` it needs concurrency
     * (in the patch or already), and a `set` of concurrency alone keeps the queue.
     */
    queue: z.strictObject({ size: count(0), status: httpStatus().default(503) }).optional(),
    /**
     * A token bucket: `rps` tokens a second, holding at most `burst` (absent: one second's worth);
     * a request that finds it empty is answered `status`.
     */
    rateLimit: z
      .strictObject({
        rps: positiveNumber(),
        status: httpStatus().default(429),
        burst: count(1).optional(),
        envoyRateLimited: z.boolean().optional(),
      })
      .optional(),
    /** Round trip to this endpoint; absent: `network.rtt`. */
    rtt: duration().optional(),
    /**
     * The server closes a keep-alive connection idle this long, timed from the last byte it sent. Envoy
     * hears the FIN half a round trip after the close; a request it sends in the round trip before that
     * reaches a closed server and fails 503 UC (the keep-alive race). A sidecar
     * `connectionPool.http.idleTimeout` at least one round trip shorter closes first and avoids it.
     * Changed on the timeline: from each connection's next idle period. Absent: never.
     */
    idleTimeout: duration({ minMs: 1 }).optional(),
  };
}

/** The fields a flapping endpoint's down phase changes; no `flap` of its own. */
const downPatchSchema = z.strictObject(endpointShape(false));

/**
 * Up and down in turn: each `period` starts with `duty × period` up (the endpoint as configured),
 * then down, when the `down` fields replace its own. `offset` shifts the cycle.
 */
export const flapSchema = z.strictObject({
  period: duration({ minMs: 1 }),
  /** Share of each period spent up. */
  duty: rate(),
  /** Absent: `{ connect: refuse }`. */
  down: downPatchSchema.prefault({ connect: 'refuse' }),
  /** How far into its cycle the endpoint is at the start (default 0s: the start of an up phase). */
  offset: duration().optional(),
});
export type Flap = z.infer<typeof flapSchema>;

export const endpointBehaviourSchema = z
  .strictObject({
    ...endpointShape(true),
    flap: flapSchema.optional(),
    /** What the endpoint presents when the sidecar originates TLS; absent: any handshake succeeds. */
    certificate: certificateSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.tlsReason !== undefined && e.connect !== 'tlsError') {
      const message = `applies only with connect: tlsError, got connect: ${e.connect}`;
      ctx.addIssue({ code: 'custom', path: ['tlsReason'], input: e.tlsReason, message });
    }
    if (e.queue !== undefined && e.concurrency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['queue'],
        input: e.queue,
        message: 'applies only with concurrency',
      });
    }
  });
export type EndpointBehaviour = z.infer<typeof endpointBehaviourSchema>;
export type EndpointBehaviourInput = z.input<typeof endpointBehaviourSchema>;

export const endpointPatchSchema = z.strictObject({
  ...endpointShape(false),
  /**
   * Starts a cycle at the change (`offset` into it), replacing any the endpoint had. A `set` without
   * `flap` keeps the cycle going over the changed behaviour; only a `becomes` without one stops it.
   */
  flap: flapSchema.optional(),
});
export type EndpointBehaviourPatch = z.infer<typeof endpointPatchSchema>;
/** A timeline patch as written, before parsing. */
export type EndpointBehaviourPatchInput = z.input<typeof endpointPatchSchema>;

const ipAddress = () =>
  z.string().refine((text) => isIP(text) !== 0, {
    error: (issue) => `must be an IP address, got ${describeValue(issue.input)}`,
  });

/** How a query can fail: the name does not exist, the server fails, or no answer comes back in time. */
export const DNS_FAILURES = ['none', 'NXDOMAIN', 'SERVFAIL', 'timeout'] as const;

/** A DNS answer holds at most as many addresses as a ServiceEntry may list endpoints. */
export const MAX_DNS_ANSWERS = 4096;

/** What the synthetic resolver answers for one host. */
export const dnsEntrySchema = z.strictObject({
  /** Absent: the record has no TTL, so Envoy re-resolves at dnsRefreshRate. */
  ttl: duration().optional(),
  answers: z.array(ipAddress()).max(MAX_DNS_ANSWERS),
  /** Rotate the answer order on every resolution, as round-robin DNS servers do. */
  rotate: z.boolean().default(false),
  /** Every query fails this way instead of answering (a resolver outage); `none` answers again. */
  failure: z.enum(DNS_FAILURES).default('none'),
});
export type DnsEntry = z.infer<typeof dnsEntrySchema>;
export type DnsEntryInput = z.input<typeof dnsEntrySchema>;

export const dnsPatchSchema = z.strictObject({
  ttl: duration().optional(),
  answers: z.array(ipAddress()).max(MAX_DNS_ANSWERS).optional(),
  rotate: z.boolean().optional(),
  failure: z.enum(DNS_FAILURES).optional(),
});
export type DnsEntryPatch = z.infer<typeof dnsPatchSchema>;
export type DnsEntryPatchInput = z.input<typeof dnsPatchSchema>;
