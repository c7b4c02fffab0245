import { createRequire } from 'node:module';
import { setUint64, type Uint64 } from './uint64.js';

type XxHash = typeof import('@node-rs/xxhash');
let library: XxHash | undefined;
/** The native hashing addon loads on the first hash: only hash-based balancers need it. */
const xxhash = (): XxHash => {
  library ??= createRequire(import.meta.url)('@node-rs/xxhash') as XxHash;
  return library;
};

/**
 * XXH64 as Envoy's `HashUtil::xxHash64` calls it (seed 0 unless given), over the UTF-8 bytes of a
 * string. The library answers with a bigint; callers on a per-request path use `xxHash64Into`.
 */
export function xxHash64(input: string, seed = 0n): bigint {
  return xxhash().xxh64(input, seed);
}

/** `xxHash64(input, seed)` written into `out` as 32-bit halves. */
export function xxHash64Into(out: Uint64, input: string, seed = 0n): Uint64 {
  return setUint64(out, xxhash().xxh64(input, seed));
}

/**
 * Envoy's `HashUtil::xxHash64(absl::Span<absl::string_view>)`: one streaming XXH64 over the values
 * back to back, no separator (what a header with several values hashes to).
 */
export function xxHash64OfAllInto(out: Uint64, values: readonly string[]): Uint64 {
  if (values.length === 1) return xxHash64Into(out, values[0]!);
  const state = new (xxhash().Xxh64)(0n);
  for (const value of values) state.update(value);
  return setUint64(out, state.digest());
}
