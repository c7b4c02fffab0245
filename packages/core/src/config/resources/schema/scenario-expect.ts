import * as z from 'zod';
import { parseDurationMs } from '../durations.js';
import { integer, numberIn } from './common.js';
import { describeValue } from './messages.js';

/** A bound as written (`1%`, `250ms`, `3`) and its value: a share 0..1, milliseconds or a plain number. */
export interface BoundValue {
  text: string;
  value: number;
}

type BoundSchema = z.ZodType<BoundValue, unknown>;

/** A share: a number 0..1 or a percentage string (`1%`, `0.5 %`). */
function share(): BoundSchema {
  const message = (input: unknown) =>
    `must be a share: a number 0..1 or a percentage such as "1%", got ${describeValue(input)}`;
  return z.unknown().transform((input, ctx): BoundValue => {
    if (typeof input === 'number' && input >= 0 && input <= 1) return { text: String(input), value: input };
    const percent = typeof input === 'string' ? /^(\d+(?:\.\d+)?)\s*%$/.exec(input.trim()) : null;
    if (percent !== null && Number(percent[1]) <= 100)
      return { text: input as string, value: Number(percent[1]) / 100 };
    ctx.addIssue({ code: 'custom', input, message: message(input) });
    return z.NEVER;
  });
}

/** A duration string, in milliseconds. */
function time(): BoundSchema {
  const message = (input: unknown) =>
    `must be a duration such as 250ms, 10s or 1m30s, got ${describeValue(input)}`;
  return z.unknown().transform((input, ctx): BoundValue => {
    const ms = typeof input === 'string' ? parseDurationMs(input) : undefined;
    if (ms !== undefined) return { text: input as string, value: ms };
    ctx.addIssue({ code: 'custom', input, message: message(input) });
    return z.NEVER;
  });
}

/** A count or an Envoy counter's value: a number ≥ 0 (a mean over replications may be fractional). */
function amount(): BoundSchema {
  return numberIn(0, Number.POSITIVE_INFINITY).transform((value) => ({ text: String(value), value }));
}

/** Which clusters a figure is taken over: an Envoy cluster name (`outbound|80||host`) or a service host. */
const clusterSelector = z.string().min(1).optional();

const LATENCY_STATISTICS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
export type LatencyStatistic = (typeof LATENCY_STATISTICS)[number];

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
type StatusClass = (typeof STATUS_CLASSES)[number];

/** An HTTP status 100..599, 0 (no answer: the connection closed), or a class such as `5xx`. */
function statusCode() {
  return z.unknown().transform((input, ctx): number | StatusClass => {
    if (
      typeof input === 'number' &&
      Number.isInteger(input) &&
      (input === 0 || (input >= 100 && input <= 599))
    )
      return input;
    if (typeof input === 'string' && (STATUS_CLASSES as readonly string[]).includes(input))
      return input as StatusClass;
    const message =
      input === undefined
        ? 'is required'
        : `must be a status 100..599, 0 (no answer) or a class such as 5xx, got ${describeValue(input)}`;
    ctx.addIssue({ code: 'custom', input, message });
    return z.NEVER;
  });
}

/** What each kind of expectation looks at, with the fields that select it. */
const SUBJECT_SHAPES = {
  /** The client's error rate: answers 5xx, or none (status 0). */
  errorRate: { bound: share, fields: {} },
  /** The share of client requests answered with this status (`503`, `0` for none) or class (`5xx`). */
  status: {
    bound: share,
    fields: { code: statusCode() },
  },
  /** The share of client requests carrying this Envoy response flag (`UO`, `UH`, `URX` …). */
  flag: {
    bound: share,
    fields: {
      name: z.string().regex(/^[A-Z]{2,4}$/, {
        error: (issue) => `must be a response flag such as UO, UH or URX, got ${describeValue(issue.input)}`,
      }),
    },
  },
  /** A percentile (or the mean, or the max) of the client's latency. */
  latency: { bound: time, fields: { percentile: z.enum(LATENCY_STATISTICS) } },
  /** How many outlier ejections happened. */
  ejections: { bound: amount, fields: { cluster: clusterSelector, host: z.string().min(1).optional() } },
  /** When the first outlier ejection happened; a run with none counts as never. */
  firstEjection: { bound: time, fields: { cluster: clusterSelector, host: z.string().min(1).optional() } },
  /** The most hosts of one cluster ejected at the same time. */
  ejectedAtOnce: { bound: amount, fields: { cluster: clusterSelector } },
  /** How long a circuit_breakers.default.*_open gauge was 1; without `breaker`, the longest of them. */
  breakerOpen: { bound: time, fields: { breaker: z.string().min(1).optional(), cluster: clusterSelector } },
  /** The share of its cluster's requests one host took. */
  hostShare: { bound: share, fields: { host: z.string().min(1), cluster: clusterSelector } },
  /** An Envoy cluster counter (`upstream_rq_retry`, `outlier_detection.ejections_overflow` …), summed over clusters. */
  counter: { bound: amount, fields: { name: z.string().min(1), cluster: clusterSelector } },
} as const;

export type ExpectationKind = keyof typeof SUBJECT_SHAPES;
export const EXPECTATION_KINDS = Object.keys(SUBJECT_SHAPES) as ExpectationKind[];

/** The selectors of an expectation, whichever kind it is (absent where the kind has none). */
export interface ExpectationSelectors {
  code?: number | StatusClass;
  name?: string;
  percentile?: LatencyStatistic;
  cluster?: string;
  host?: string;
  breaker?: string;
}

/** One bound on one figure of the run: `min ≤ figure ≤ max` (at least one of them). */
export interface Expectation {
  /** A label for reports; absent: the expectation's own description. */
  label?: string;
  kind: ExpectationKind;
  select: ExpectationSelectors;
  min?: BoundValue;
  max?: BoundValue;
}

function subjectSchema(kind: ExpectationKind) {
  const { bound, fields } = SUBJECT_SHAPES[kind];
  return z
    .strictObject({ ...fields, min: bound().optional(), max: bound().optional() })
    .superRefine((subject, ctx) => {
      const { min, max } = subject as { min?: BoundValue; max?: BoundValue };
      if (min === undefined && max === undefined) {
        ctx.addIssue({ code: 'custom', input: subject, message: 'needs min, max or both' });
      } else if (min !== undefined && max !== undefined && min.value > max.value) {
        const message = `must be at least min (${min.text}), got ${describeValue(max.text)}`;
        ctx.addIssue({ code: 'custom', path: ['max'], input: max.text, message });
      }
    });
}

const subjects = Object.fromEntries(
  EXPECTATION_KINDS.map((kind) => [kind, subjectSchema(kind).optional()]),
) as {
  [K in ExpectationKind]: z.ZodOptional<ReturnType<typeof subjectSchema>>;
};

/** One `spec.expect` entry: exactly one kind, and an optional `name`. */
export const expectationSchema = z
  .strictObject({ name: z.string().min(1).optional(), ...subjects })
  .transform((entry, ctx): Expectation => {
    const kinds = EXPECTATION_KINDS.filter((kind) => entry[kind] !== undefined);
    if (kinds.length !== 1) {
      const message =
        kinds.length === 0
          ? `needs one of ${EXPECTATION_KINDS.join(', ')}`
          : `needs exactly one of ${EXPECTATION_KINDS.join(', ')}; found ${kinds.join(' and ')}`;
      ctx.addIssue({ code: 'custom', input: entry, message });
      return z.NEVER;
    }
    const kind = kinds[0]!;
    const { min, max, ...select } = entry[kind] as Record<string, unknown> & {
      min?: BoundValue;
      max?: BoundValue;
    };
    return {
      ...(entry.name !== undefined ? { label: entry.name } : {}),
      kind,
      select: select as ExpectationSelectors,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    };
  });
export type ExpectationInput = z.input<typeof expectationSchema>;

/** How many seeds expectations are judged over; 1 judges the one run. */
export const replicationsSchema = integer(1, 1000);

/** The confidence level of the interval a replicated expectation is judged by: a share in 0.5..0.999. */
export const confidenceSchema = share().refine((level) => level.value >= 0.5 && level.value <= 0.999, {
  error: (issue) => `must be between 50% and 99.9%, got ${describeValue((issue.input as BoundValue).text)}`,
});
