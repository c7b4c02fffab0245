import * as z from 'zod';
import {
  DURATION_PATTERN,
  formatDurationMs,
  isDurationTooLong,
  MAX_DURATION_TEXT,
  parseDurationMs,
} from '../durations.js';
import { describeValue } from './messages.js';

/** A duration as written (`1m30s`) and its value. */
export interface Duration {
  text: string;
  ms: number;
}

type MessageFor = (input: unknown) => string;

// A missing value falls through to the parse-wide map, which says "is required".
const unlessMissing =
  (message: MessageFor) =>
  (issue: { input?: unknown }): string | undefined =>
    issue.input === undefined ? undefined : message(issue.input);

/** An integer in [min, max]; a string such as "10" or a fraction such as 1.5 is an error, as in protobuf JSON. */
export function integer(min: number, max: number) {
  const range = max >= Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
  const error = unlessMissing((input) => `must be an integer ${range}, got ${describeValue(input)}`);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

export const uint32 = () => integer(0, 4_294_967_295);
export const uint64 = () => integer(0, Number.MAX_SAFE_INTEGER);
/** A protobuf int32, any sign. */
export const int32 = () => integer(-2_147_483_648, 2_147_483_647);
/** int32 fields Istio's validation requires to be non-negative (pool sizes, counts). */
export const nonNegativeInt32 = () => integer(0, 2_147_483_647);
export const portNumber = () => integer(1, 65_535);
export const percentInt = () => integer(0, 100);

/** A (possibly fractional) number in [min, max]; `max` may be Infinity. */
export function numberIn(min: number, max: number) {
  const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `${min}..${max}`;
  const error = unlessMissing((input) => `must be a number ${range}, got ${describeValue(input)}`);
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** A number strictly greater than zero (rates, requests per second). */
export function positiveNumber() {
  const error = unlessMissing((input) => `must be a number greater than 0, got ${describeValue(input)}`);
  return z.number({ error }).positive({ error });
}

const DURATION_HINT = 'a duration such as 250ms, 10s or 1m30s';

/** A Go/Istio duration string, parsed to `{ text, ms }`; `minMs` mirrors the CRD's `>= 1ms` rule where it applies. */
export function duration(options: { minMs?: number } = {}) {
  const minMs = options.minMs ?? 0;
  const notADuration: MessageFor = (input) => `must be ${DURATION_HINT}, got ${describeValue(input)}`;
  return z
    .string({ error: unlessMissing(notADuration) })
    .transform((text, ctx): Duration => {
      const ms = parseDurationMs(text);
      if (ms === undefined) {
        const message = isDurationTooLong(text)
          ? `must be at most ${MAX_DURATION_TEXT} (Go's longest duration), got ${describeValue(text)}`
          : notADuration(text);
        ctx.addIssue({ code: 'custom', input: text, message });
        return z.NEVER;
      }
      if (ms < minMs) {
        const message = `must be at least ${formatDurationMs(minMs)}, got ${describeValue(text)}`;
        ctx.addIssue({ code: 'custom', input: text, message });
        return z.NEVER;
      }
      return { text, ms };
    })
    .meta({ pattern: DURATION_PATTERN });
}

/** Most Istio duration fields: the CRD rejects anything under 1ms. */
export const istioDuration = () => duration({ minMs: 1 });

export const stringMap = () => z.record(z.string(), z.string());

/** Istio's `Percent` message: `{ value: 0..100 }`; `{}` is 0, as in protobuf (the CRD does not require value). */
export const percentSchema = z.strictObject({ value: numberIn(0, 100).default(0) });
export type Percent = z.infer<typeof percentSchema>;

/**
 * Istio's `PortSelector`. The CRD takes any uint32 and does not require it; istiod checks 1..65535
 * in route destinations but not in a DestinationRule's portLevelSettings.
 */
export const portSelectorSchema = z.strictObject({ number: uint32().default(0) });
export type PortSelector = z.infer<typeof portSelectorSchema>;

/**
 * A superRefine for protobuf `oneof` groups: more than one member set is an error at the second
 * one; with `required`, none set is an error too.
 */
export function oneOf<T extends object>(keys: ReadonlyArray<keyof T & string>, required = false) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    const present = keys.filter((key) => value[key] !== undefined);
    const second = present[1];
    if (second !== undefined) {
      const message = `only one of ${keys.join(', ')} may be set; found ${present.join(' and ')}`;
      ruleIssue(ctx, [second], message, value[second]);
    } else if (required && present.length === 0) {
      ruleIssue(ctx, [], `one of ${keys.join(', ')} is required`, value);
    }
  };
}

/** Fields `kubectl get -o yaml` adds; accepted and ignored so exported resources load cleanly. */
const kubernetesBookkeeping = {
  uid: z.unknown().optional(),
  resourceVersion: z.unknown().optional(),
  generation: z.unknown().optional(),
  creationTimestamp: z.unknown().optional(),
  deletionTimestamp: z.unknown().optional(),
  deletionGracePeriodSeconds: z.unknown().optional(),
  generateName: z.unknown().optional(),
  ownerReferences: z.unknown().optional(),
  finalizers: z.unknown().optional(),
  managedFields: z.unknown().optional(),
  selfLink: z.unknown().optional(),
};

/** Kubernetes ObjectMeta, as far as a simulation cares. */
export const objectMetaSchema = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).default('default'),
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
  ...kubernetesBookkeeping,
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** The envelope every networking.istio.io resource shares. */
export function istioResource<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.literal(kind),
    metadata: objectMetaSchema,
    spec,
    status: z.unknown().optional(),
  });
}

/** Rules the CRD's CEL validations enforce at `kubectl apply`; diagnostics carry this as their rule. */
export const CRD_RULE = 'istio-crd';

/** Reports a broken cross-field rule from inside a superRefine, at `path` relative to the refined object. */
export function ruleIssue(
  ctx: z.core.$RefinementCtx<unknown>,
  path: ReadonlyArray<string | number>,
  message: string,
  input: unknown,
  rule: string = CRD_RULE,
): void {
  ctx.addIssue({ code: 'custom', path: [...path], message, input, params: { rule } });
}
