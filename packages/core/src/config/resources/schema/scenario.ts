import * as z from 'zod';
import { type Duration, duration, integer, portNumber, positiveNumber, stringMap } from './common.js';
import { CURRENT_ISTIO_VERSION, ISTIO_VERSION_PATTERN } from './istio-version.js';
import { describeValue, PARSE_OPTIONS } from './messages.js';
import {
  type DnsEntryPatch,
  dnsEntrySchema,
  dnsPatchSchema,
  type EndpointBehaviour,
  type EndpointBehaviourPatch,
  endpointBehaviourSchema,
  endpointPatchSchema,
} from './scenario-endpoint.js';
import { confidenceSchema, expectationSchema, replicationsSchema } from './scenario-expect.js';
import { checkTrafficShape, requestPath, trafficShapeFields } from './scenario-traffic-shape.js';

export const SCENARIO_API_VERSION = 'meshsim.dev/v1alpha1';
// Kept apart, without zod, so the CLI parses --istio-version without loading the schemas.
export { CURRENT_ISTIO_VERSION, ISTIO_VERSION_PATTERN } from './istio-version.js';

const clientCount = () => integer(1, Number.MAX_SAFE_INTEGER);

/** Fields a traffic source and a traffic patch share; rps (open loop) or clients (closed loop), not both. */
const trafficLoadShape = {
  /** Open loop: Poisson arrivals at this mean rate. */
  rps: positiveNumber().optional(),
  /** Closed loop: this many clients, each waiting `thinkTime` between a response and its next request. */
  clients: clientCount().optional(),
  thinkTime: duration().optional(),
  ...trafficShapeFields,
};

const requestShape = {
  path: requestPath(),
  method: z.string().min(1),
  headers: stringMap(),
};

type Load = { rps: number } | { clients: number; thinkTime: Duration };

function checkLoad(
  load: { rps?: number; clients?: number; thinkTime?: Duration } & Parameters<typeof checkTrafficShape>[0],
  ctx: z.core.$RefinementCtx<unknown>,
) {
  checkTrafficShape(load, ctx);
  if (load.rps !== undefined && load.clients !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['clients'],
      input: load.clients,
      message: 'cannot be set together with rps',
    });
  }
  if (load.thinkTime !== undefined && load.rps !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['thinkTime'],
      message: 'applies only to clients (closed loop), not rps',
    });
  }
}

export const trafficSourceSchema = z
  .strictObject({
    host: z.string().min(1),
    /** Absent: the port of the host's only ServiceEntry port. */
    port: portNumber().optional(),
    path: requestShape.path.default('/'),
    method: requestShape.method.default('GET'),
    headers: requestShape.headers.default(() => ({})),
    /**
     * The application's HTTP client keeps its connections open between requests (true, the default), or
     * opens one per request. On a tcp-proxied port (HTTPS, TLS, TCP) the sidecar picks a host per
     * connection, so with keep-alive each connection's requests all go to one host.
     */
    keepAlive: z.boolean().default(true),
    /**
     * On an HTTP port: the application's lasting connections to the sidecar, each accepted by one Envoy
     * worker for its whole life, taken in turn by the requests. Absent: each request lands on a worker
     * of its own.
     */
    connections: integer(1, 100_000).optional(),
    ...trafficLoadShape,
  })
  .superRefine((source, ctx) => {
    checkLoad(source, ctx);
    if (source.rps === undefined && source.clients === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: source,
        message: 'needs rps (open loop) or clients (closed loop)',
      });
    }
  })
  .transform(({ rps, clients, thinkTime, ...request }) => {
    const load: Load =
      rps !== undefined ? { rps } : { clients: clients ?? 1, thinkTime: thinkTime ?? { text: '0s', ms: 0 } };
    return { ...request, ...load };
  });
export type TrafficSource = z.infer<typeof trafficSourceSchema>;

export const trafficPatchSchema = z
  .strictObject({
    path: requestShape.path.optional(),
    method: requestShape.method.optional(),
    headers: requestShape.headers.optional(),
    ...trafficLoadShape,
  })
  .superRefine(checkLoad);
export type TrafficPatch = z.infer<typeof trafficPatchSchema>;
export type TrafficPatchInput = z.input<typeof trafficPatchSchema>;

/** What an endpoint or locality entry does: patch some fields, or replace the whole behaviour. */
export type EndpointChange = { set: EndpointBehaviourPatch } | { becomes: EndpointBehaviour };

/**
 * A change to the world at a simulated time; exactly one of endpoint, locality, dns or traffic says
 * what changes. `phase` labels the period that starts there; an entry with a phase and no target
 * only marks the phase.
 */
export type TimelineEvent = { at: Duration; phase?: string } & (
  | ({ endpoint: string } & EndpointChange)
  | ({ locality: string } & EndpointChange)
  | { dns: string; set: DnsEntryPatch }
  | { traffic: number; set: TrafficPatch }
  | { phase: string }
);

const timelineEntrySchema = z.strictObject({
  at: duration(),
  /** A label for the phase that starts at `at`, shown in the report. */
  phase: z.string().min(1).optional(),
  /** An endpoint address (a key of `endpoints`, or any other address). */
  endpoint: z.string().min(1).optional(),
  /** `region`, `region/zone` or `region/zone/subzone`: every endpoint whose locality is in it. */
  locality: z.string().min(1).optional(),
  /** A host of `dns`. */
  dns: z.string().min(1).optional(),
  /** An index into `traffic`. */
  traffic: integer(0, Number.MAX_SAFE_INTEGER).optional(),
  /** The fields that change; the others keep their values. */
  set: z.record(z.string(), z.unknown()).optional(),
  /** Endpoint and locality only: the new behaviour, whole; what it leaves out takes its default. */
  becomes: z.record(z.string(), z.unknown()).optional(),
});

const TARGETS = 'endpoint, locality, dns or traffic';

// `set` and `becomes` are checked against the target's own schema, so their errors name the right fields.
export const timelineEventSchema = timelineEntrySchema.transform((entry, ctx): TimelineEvent => {
  const { at, phase, endpoint, locality, dns, traffic, set, becomes } = entry;
  const labelled = phase === undefined ? {} : { phase };
  const targets = [endpoint, locality, dns, traffic].filter((target) => target !== undefined).length;
  if (targets === 0 && phase !== undefined && set === undefined && becomes === undefined) {
    return { at, phase };
  }
  if (targets !== 1) {
    ctx.addIssue({ code: 'custom', input: entry, message: `needs exactly one of ${TARGETS}` });
    return z.NEVER;
  }
  const forward = (field: 'set' | 'becomes', issues: readonly z.core.$ZodIssue[]): never => {
    for (const issue of issues) ctx.addIssue({ ...issue, path: [field, ...issue.path] });
    return z.NEVER;
  };
  const target = endpoint !== undefined ? { endpoint } : locality !== undefined ? { locality } : undefined;
  if (becomes !== undefined) {
    if (target === undefined || set !== undefined) {
      const message =
        target === undefined
          ? 'applies only to endpoint and locality; use set'
          : 'cannot be set together with set';
      ctx.addIssue({ code: 'custom', path: ['becomes'], input: becomes, message });
      return z.NEVER;
    }
    const whole = endpointBehaviourSchema.safeParse(becomes, PARSE_OPTIONS);
    return whole.success
      ? { at, ...labelled, ...target, becomes: whole.data }
      : forward('becomes', whole.error.issues);
  }
  if (set === undefined) {
    const message = `needs set (the fields that change)${target === undefined ? '' : ' or becomes (the whole behaviour)'}`;
    ctx.addIssue({ code: 'custom', input: entry, message });
    return z.NEVER;
  }
  if (Object.keys(set).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['set'], input: set, message: 'must change at least one field' });
    return z.NEVER;
  }
  if (target !== undefined) {
    const patch = endpointPatchSchema.safeParse(set, PARSE_OPTIONS);
    return patch.success
      ? { at, ...labelled, ...target, set: patch.data }
      : forward('set', patch.error.issues);
  }
  if (dns !== undefined) {
    const patch = dnsPatchSchema.safeParse(set, PARSE_OPTIONS);
    return patch.success ? { at, ...labelled, dns, set: patch.data } : forward('set', patch.error.issues);
  }
  const patch = trafficPatchSchema.safeParse(set, PARSE_OPTIONS);
  return patch.success
    ? { at, ...labelled, traffic: traffic ?? 0, set: patch.data }
    : forward('set', patch.error.issues);
});
/** A timeline entry as written, before parsing. */
export type TimelineEventInput = z.input<typeof timelineEventSchema>;

const istioVersionSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `must be a quoted version string such as "1.24" (YAML reads 1.20 as the number 1.2), got ${describeValue(issue.input)}`,
  })
  .regex(ISTIO_VERSION_PATTERN, {
    error: (issue) => `must look like "1.24", got ${describeValue(issue.input)}`,
  });

/** Requests in flight past which a run stops, its report partial: about 1 KB of memory each. */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 500_000;
/** The highest `limits.maxRequestsInFlight` accepted: about 2 GB of requests in flight. */
export const MAX_REQUESTS_IN_FLIGHT = 2_000_000;
/** The highest `limits.maxEvents` accepted. */
export const MAX_EVENTS_LIMIT = 2e10;

/** Bounds on one run, past which it stops with a report marked partial instead of running on. */
const limitsSchema = z
  .strictObject({
    /** Requests sent and not yet answered; a run past it stops (a black hole, a queue that grows). */
    maxRequestsInFlight: integer(1, MAX_REQUESTS_IN_FLIGHT).default(DEFAULT_MAX_REQUESTS_IN_FLIGHT),
    /** Events the run may fire; absent: twice what the run is expected to need (at least 10^6). */
    maxEvents: integer(1, MAX_EVENTS_LIMIT).optional(),
  })
  .prefault({});

export const scenarioSpecSchema = z
  .strictObject({
    seed: integer(0, Number.MAX_SAFE_INTEGER).default(1),
    /** Simulated time. */
    duration: duration({ minMs: 1 }).prefault('60s'),
    /** The calling sidecar. */
    proxy: z
      .strictObject({
        /** Where the caller lives: decides exportTo visibility and which DR/VS apply. */
        namespace: z.string().min(1).default('default'),
        /** `region/zone/subzone`. */
        locality: z.string().optional(),
        /** The calling workload's pod labels, for VirtualService sourceLabels matches. */
        labels: stringMap().optional(),
        /** Envoy worker threads (Istio: the CPU limit). */
        workers: integer(1, 1024).default(2),
        /** Selects version-dependent defaults and rules. */
        istioVersion: istioVersionSchema.default(CURRENT_ISTIO_VERSION),
      })
      .prefault({}),
    network: z.strictObject({ rtt: duration().prefault('1ms') }).prefault({}),
    /** The synthetic resolver, for DNS and DNS_ROUND_ROBIN hosts. */
    dns: z.record(z.string(), dnsEntrySchema).default(() => ({})),
    /** Behaviour per upstream address; `*` matches the rest. */
    endpoints: z.record(z.string(), endpointBehaviourSchema).default(() => ({})),
    traffic: z.array(trafficSourceSchema).default(() => []),
    timeline: z.array(timelineEventSchema).default(() => []),
    /** How the report is kept: the timeline's bucket (widened for very long runs, see MAX_TIMELINE_POINTS). */
    report: z.strictObject({ timelineBucket: duration({ minMs: 1 }).prefault('1s') }).prefault({}),
    /** Bounds on the run's figures: `meshsim run` and `meshsim test` exit 1 when one is not met. */
    expect: z.array(expectationSchema).default(() => []),
    /** How many seeds (seed, seed + 1, …) the expectations are judged over; 1: the run alone. */
    replications: replicationsSchema.default(1),
    /** With replications: the level of the confidence intervals they are judged by. Absent: 95 %. */
    confidence: confidenceSchema.optional(),
    limits: limitsSchema,
  })
  .superRefine((spec, ctx) => {
    spec.timeline.forEach((event, i) => {
      if ('traffic' in event && event.traffic >= spec.traffic.length) {
        const message = `must be an index into spec.traffic (0..${spec.traffic.length - 1}), got ${event.traffic}`;
        ctx.addIssue({ code: 'custom', path: ['timeline', i, 'traffic'], input: event.traffic, message });
      }
    });
  });
export type ScenarioSpec = z.infer<typeof scenarioSpecSchema>;

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal('Scenario'),
  metadata: z
    .strictObject({
      name: z.string().min(1).default('scenario'),
      labels: stringMap().optional(),
      annotations: stringMap().optional(),
    })
    .prefault({}),
  spec: scenarioSpecSchema.prefault({}),
});
export type Scenario = z.infer<typeof scenarioSchema>;
/** The document as written, before defaults: what TypeScript callers build. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
