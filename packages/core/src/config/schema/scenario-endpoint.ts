import { isIP } from 'node:net';
import { z } from 'zod';
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

const errorSchema = z.strictObject({ status: httpStatus(), rate: rate() });

/** Shared by the endpoint map (with defaults) and timeline patches (without, so unset fields stay unchanged). */
function endpointShape(withDefaults: boolean) {
  return {
    latency: latencySchema.optional(),
    /** Independent per request, checked in order. */
    errors: withDefaults ? z.array(errorSchema).default(() => []) : z.array(errorSchema).optional(),
    connect: withDefaults ? z.enum(CONNECT_BEHAVIOURS).default('ok') : z.enum(CONNECT_BEHAVIOURS).optional(),
    /** Share of requests whose connection is closed before the response. */
    reset: z.strictObject({ rate: rate() }).optional(),
    /** Requests served at once; beyond it requests queue. Absent: unlimited. */
    concurrency: integer(1, Number.MAX_SAFE_INTEGER).optional(),
    rateLimit: z.strictObject({ rps: positiveNumber(), status: httpStatus().default(429) }).optional(),
    /** Round trip to this endpoint; absent: `network.rtt`. */
    rtt: duration().optional(),
  };
}

export const endpointBehaviourSchema = z.strictObject(endpointShape(true));
export type EndpointBehaviour = z.infer<typeof endpointBehaviourSchema>;
export type EndpointBehaviourInput = z.input<typeof endpointBehaviourSchema>;

export const endpointPatchSchema = z.strictObject(endpointShape(false));
export type EndpointBehaviourPatch = z.infer<typeof endpointPatchSchema>;

const ipAddress = () =>
  z.string().refine((text) => isIP(text) !== 0, {
    error: (issue) => `must be an IP address, got ${describeValue(issue.input)}`,
  });

/** What the synthetic resolver answers for one host. */
export const dnsEntrySchema = z.strictObject({
  /** Absent: the record has no TTL, so Envoy re-resolves at dnsRefreshRate. */
  ttl: duration().optional(),
  answers: z.array(ipAddress()),
  /** Rotate the answer order on every resolution, as round-robin DNS servers do. */
  rotate: z.boolean().default(false),
});
export type DnsEntry = z.infer<typeof dnsEntrySchema>;

export const dnsPatchSchema = z.strictObject({
  ttl: duration().optional(),
  answers: z.array(ipAddress()).optional(),
  rotate: z.boolean().optional(),
});
export type DnsEntryPatch = z.infer<typeof dnsPatchSchema>;
