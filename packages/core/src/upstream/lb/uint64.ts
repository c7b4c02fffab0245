import type { Rng } from '../../kernel/random-streams.js';

/**
 * An unsigned 64-bit value (Envoy's `uint64_t` hashes and randoms) as two unsigned 32-bit halves, so
 * comparing and reducing it on the pick path needs neither bigint nor allocation.
 */
export interface Uint64 {
  hi: number;
  lo: number;
}

/** A request's hash as Envoy's hash policy computes it (see request-hash.ts). */
export type RequestHash = Uint64;

const TWO_POW_32 = 0x1_0000_0000;

export function uint64(hi: number, lo: number): Uint64 {
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** Writes a bigint in [0, 2^64) into `out`; only for table building and tests, never per pick. */
export function setUint64(out: Uint64, value: bigint): Uint64 {
  out.hi = Number((value >> 32n) & 0xffff_ffffn);
  out.lo = Number(value & 0xffff_ffffn);
  return out;
}

export function uint64ToBigInt(value: Uint64): bigint {
  return (BigInt(value.hi) << 32n) | BigInt(value.lo);
}

/** Negative, zero or positive as a < b, a == b, a > b (unsigned). */
export function compareUint64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

/**
 * `value % m` for 1 <= m <= 2^26: (hi·2^32 + lo) mod m with exact doubles, since every intermediate
 * stays below 2^53 (Maglev tables are at most 5,000,011 entries). Uses floor division, not `%`,
 * because V8 computes `%` of values above 2^31 with a slow fmod call.
 */
export function modUint64(value: Uint64, m: number): number {
  const hiMod = value.hi - Math.floor(value.hi / m) * m;
  const twoPow32Mod = TWO_POW_32 - Math.floor(TWO_POW_32 / m) * m;
  return reduce(hiMod * twoPow32Mod + value.lo, m);
}

/** x mod m for 0 <= x < 2^53: the quotient's rounding can be one off, so correct by one m. */
function reduce(x: number, m: number): number {
  const r = x - Math.floor(x / m) * m;
  return r < 0 ? r + m : r >= m ? r - m : r;
}

/** One uniform draw of 32 bits (Envoy truncates its uint64 randoms to uint32 in several places). */
export function randomUint32(rng: Rng): number {
  return Math.floor(rng() * TWO_POW_32);
}

/** Envoy's `random_.random()`: a uniform uint64, drawn as two independent 32-bit halves. */
export function randomUint64(rng: Rng, out: Uint64): Uint64 {
  out.hi = randomUint32(rng);
  out.lo = randomUint32(rng);
  return out;
}
