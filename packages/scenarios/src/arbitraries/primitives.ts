import { formatDurationMs } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';

// The small pieces the resource and scenario arbitraries are made of. Every record is a plain
// object (never null-prototype), so generated documents compare, print and parse like hand-written ones.

type Model<T> = { [K in keyof T]: Arbitrary<T[K]> };

/** Every key present. */
export function record<T extends object>(model: Model<T>): Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as Arbitrary<T>;
}

/** Each key present or absent; shrinking drops keys, so a counterexample keeps only the fields it needs. */
export function someOf<T extends object>(model: Model<T>): Arbitrary<Partial<T>> {
  return fc.record(model, { requiredKeys: [], noNullPrototype: true }) as Arbitrary<Partial<T>>;
}

/** At least one key: Istio refuses an empty `trafficPolicy`, `connectionPool` or port-level policy. */
export const nonEmpty = (value: object): boolean => Object.keys(value).length > 0;

/** Mostly small values (where configs live), sometimes anything in range; shrinks to `min`. */
export function count(min: number, max: number, usually = 64): Arbitrary<number> {
  const small = fc.integer({ min, max: Math.min(max, min + usually) });
  return fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: fc.integer({ min, max }) });
}

export const INT32_MAX = 2_147_483_647;
export const UINT32_MAX = 4_294_967_295;

/** A Go/Istio duration string (`250ms`, `1.5s`, `2m`) of a whole number of milliseconds in [minMs, maxMs]. */
export function duration(constraints: { minMs?: number; maxMs?: number } = {}): Arbitrary<string> {
  const min = constraints.minMs ?? 0;
  const max = constraints.maxMs ?? 3_600_000;
  return fc.integer({ min, max }).map(formatDurationMs);
}

/** A share in [0, 1], in steps of 0.001 so documents stay readable. */
export function share(constraints: { min?: number; max?: number } = {}): Arbitrary<number> {
  const min = Math.ceil((constraints.min ?? 0) * 1000);
  const max = Math.floor((constraints.max ?? 1) * 1000);
  return fc.integer({ min, max }).map((n) => n / 1000);
}

/** Requests per second: 0.1 to `max`, in steps of 0.1. */
export function rps(max = 2000): Arbitrary<number> {
  return fc.integer({ min: 1, max: max * 10 }).map((n) => n / 10);
}

export const httpStatus = (min = 100, max = 599): Arbitrary<number> => fc.integer({ min, max });

/** An IPv4 address in dotted form. */
export const ipv4 = (): Arbitrary<string> => fc.ipV4();

/** A DNS name such as Istio hosts use. */
export const hostname = (): Arbitrary<string> => fc.domain();

/** A Kubernetes object name (DNS-1123 label). */
export const objectName = (): Arbitrary<string> => fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);

/** `/` followed by a few path segments. */
export const httpPath = (): Arbitrary<string> =>
  fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { maxLength: 3 }).map((parts) => `/${parts.join('/')}`);

export const httpMethod = (): Arbitrary<string> => fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');

/** The regions generated localities are in. */
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;

/** `region`, `region/zone` or `region/zone/subzone`. */
export const locality = (): Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...REGIONS),
      fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
      fc.option(fc.constantFrom('rack1', 'rack2'), { nil: undefined }),
    )
    .map(([region, zone, subzone]) => {
      if (zone === undefined) return region;
      return subzone === undefined ? `${region}/${region}${zone}` : `${region}/${region}${zone}/${subzone}`;
    });

/** A string map with keys from `key`, built as a plain object. */
export function stringMap(
  key: Arbitrary<string>,
  value: Arbitrary<string>,
  maxKeys = 3,
): Arbitrary<Record<string, string>> {
  return fc
    .uniqueArray(fc.tuple(key, value), { maxLength: maxKeys, selector: ([k]) => k })
    .map((entries) => Object.fromEntries(entries));
}

export const headerName = (): Arbitrary<string> => fc.stringMatching(/^x-[a-z]{1,8}$/);
