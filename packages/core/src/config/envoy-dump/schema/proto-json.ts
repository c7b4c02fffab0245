import * as z from 'zod';
import { integer } from '../../resources/schema/common.js';
import { describeValue } from '../../resources/schema/messages.js';

/**
 * Envoy's configuration as protobuf's JSON mapping writes it (what the admin `/config_dump` prints, and
 * what Envoy reads from YAML): Durations as `"1.5s"`, 64-bit integers as strings, wrappers as their plain
 * value, enums by name.
 */

/** google.protobuf.Duration as JSON (`"0.250s"`) or, in YAML, `{ seconds, nanos }`: milliseconds. */
export function protoDuration() {
  const message = (input: unknown) =>
    `must be a duration in seconds such as "0.25s" or "10s", got ${describeValue(input)}`;
  return z.union([z.string(), z.object({ seconds: z.unknown(), nanos: z.unknown() })]).transform((v, ctx) => {
    const ms = durationMs(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', input: v, message: message(v) });
      return z.NEVER;
    }
    return ms;
  });
}

function durationMs(v: string | { seconds?: unknown; nanos?: unknown }): number | undefined {
  if (typeof v === 'string') {
    const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
    if (m === null) return undefined;
    const fraction = (m[2] ?? '').padEnd(9, '0');
    return Number(m[1]) * 1000 + Number(fraction) / 1e6;
  }
  const seconds = typeof v.seconds === 'string' ? Number(v.seconds) : (v.seconds ?? 0);
  const nanos = v.nanos ?? 0;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) return undefined;
  if (typeof nanos !== 'number' || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999)
    return undefined;
  return seconds * 1000 + nanos / 1e6;
}

/** A uint32 (or google.protobuf.UInt32Value, which JSON writes as the plain number). */
export const uint32 = () => integer(0, 4_294_967_295);

/** A uint64/int64: protobuf's JSON writes it as a decimal string, YAML usually as a number. */
export function uint64() {
  const message = (input: unknown) => `must be an integer >= 0, got ${describeValue(input)}`;
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', input: v, message: message(v) });
      return z.NEVER;
    }
    return n;
  });
}

/** envoy.type.v3.Percent: `{ value: 0..100 }`. */
export const percent = () => z.object({ value: z.number().min(0).max(100).default(0) });

const DENOMINATORS = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 } as const;

/** envoy.type.v3.FractionalPercent, as a percentage 0..100 (a numerator over its denominator). */
export function fractionalPercent() {
  return z
    .object({
      numerator: uint32().default(0),
      denominator: protoEnum(['HUNDRED', 'TEN_THOUSAND', 'MILLION']).default('HUNDRED'),
    })
    .transform(({ numerator, denominator }) => Math.min(100, numerator / (DENOMINATORS[denominator] / 100)));
}

/** An enum by name; Envoy's YAML loader takes names in any case (`strict_dns`), so do we. */
export function protoEnum<const T extends readonly [string, ...string[]]>(values: T) {
  const message = (input: unknown) => `must be one of ${values.join(', ')}, got ${describeValue(input)}`;
  return z
    .string({ error: (i) => (i.input === undefined ? undefined : message(i.input)) })
    .transform((v, ctx) => {
      const upper = v.toUpperCase();
      if (!(values as readonly string[]).includes(upper)) {
        ctx.addIssue({ code: 'custom', input: v, message: message(v) });
        return z.NEVER;
      }
      return upper as T[number];
    });
}

/** A google.protobuf.Any (typed_config): its `@type`, and the rest of the message. */
export const typedConfig = () => z.looseObject({ '@type': z.string().optional() });

/** The message name of an `@type` URL: `type.googleapis.com/envoy.config.cluster.v3.Cluster` → the name. */
export const typeName = (url: string | undefined): string => (url ?? '').replace(/^.*\//, '');
