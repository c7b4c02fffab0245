import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUint64, modUint64, setUint64, uint64, uint64ToBigInt } from '../src/upstream/lb/uint64.js';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('64-bit values as 32-bit halves', () => {
  it('round-trips through bigint', () => {
    fc.assert(
      fc.property(u64, (v) => {
        expect(uint64ToBigInt(setUint64(uint64(0, 0), v))).toBe(v);
      }),
    );
  });

  it('reduces modulo m exactly, for every m up to 2^26', () => {
    fc.assert(
      fc.property(u64, fc.integer({ min: 1, max: 2 ** 26 }), (v, m) => {
        expect(modUint64(setUint64(uint64(0, 0), v), m)).toBe(Number(v % BigInt(m)));
      }),
      { numRuns: 5000 },
    );
    for (const m of [1, 2, 3, 7, 100, 65_537, 5_000_011]) {
      for (const v of [0n, 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n, BigInt(m) * 123_456_789n - 1n]) {
        expect(modUint64(setUint64(uint64(0, 0), v), m), `${v} mod ${m}`).toBe(Number(v % BigInt(m)));
      }
    }
  });

  it('orders like the unsigned 64-bit values', () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        const x = setUint64(uint64(0, 0), a);
        const y = setUint64(uint64(0, 0), b);
        expect(Math.sign(compareUint64(x.hi, x.lo, y.hi, y.lo))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
