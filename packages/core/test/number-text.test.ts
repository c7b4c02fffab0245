// writeNumberText must write every double exactly as String(x) does: the trace's times go through it,
// and a trace file is byte for byte what JSON.stringify made of each event.
import { describe, expect, it } from 'vitest';
import { writeNumberText } from '../src/observe/number-text.js';

/** mulberry32: a seeded generator local to this file, so the numbers tried never move. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const buffer = new Uint8Array(64);
const decoder = new TextDecoder();
const textOf = (x: number): string => decoder.decode(buffer.subarray(0, writeNumberText(buffer, 0, x)));

/** The numbers whose text differs from String's (none expected), with both texts. */
function mismatches(xs: Iterable<number>): Array<{ x: number; got: string }> {
  const wrong: Array<{ x: number; got: string }> = [];
  for (const x of xs) {
    const got = textOf(x);
    if (got !== String(x)) wrong.push({ x, got });
  }
  return wrong;
}

/** A double from its two 32-bit words. */
const bitsView = new Float64Array(1);
const words = new Uint32Array(bitsView.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function fromWords(high: number, low: number): number {
  words[littleEndian ? 1 : 0] = high;
  words[littleEndian ? 0 : 1] = low;
  return bitsView[0]!;
}
/** The doubles just below and above x (x > 0). */
function neighbours(x: number): [number, number] {
  bitsView[0] = x;
  const high = words[littleEndian ? 1 : 0]!;
  const low = words[littleEndian ? 0 : 1]!;
  const below = low === 0 ? fromWords(high - 1, 0xffffffff) : fromWords(high, low - 1);
  const above = low === 0xffffffff ? fromWords(high + 1, 0) : fromWords(high, low + 1);
  return [below, above];
}

describe('writeNumberText', () => {
  it('writes 100,000 doubles of every binade from 1 to 2^31, random in all 52 fraction bits, as String', () => {
    const rng = mulberry32(1);
    const xs = Array.from({ length: 100_000 }, () =>
      // Exponent 0..30 (1 ≤ x < 2^31), then 20 + 32 random fraction bits.
      fromWords(
        ((1023 + Math.floor(rng() * 31)) << 20) | Math.floor(rng() * 2 ** 20),
        Math.floor(rng() * 2 ** 32),
      ),
    );
    expect(mismatches(xs)).toEqual([]);
  });

  it('writes a trace-like clock (sums of random gaps up to 200,000 ms) as String', () => {
    const rng = mulberry32(2);
    let t = 0;
    const xs = Array.from({ length: 100_000 }, () => {
      t += rng() * 4;
      return t;
    });
    expect(mismatches(xs)).toEqual([]);
  });

  it('writes short decimals and their neighbours (shortest texts of every length, leading zeros) as String', () => {
    const rng = mulberry32(3);
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rng() * 14);
      const x = 1 + Math.floor(rng() * 10 ** 6) / 10 ** digits;
      xs.push(x, ...neighbours(x));
      // 1.000…0d: a fraction with leading zeros.
      const small = 1 + Math.floor(1 + rng() * 9) / 10 ** digits;
      xs.push(small, ...neighbours(small));
    }
    expect(mismatches(xs)).toEqual([]);
  });

  it('writes numbers exactly halfway between two shortest decimals with the even one, as String', () => {
    // 2^k + 3 + j / 2^m: a short exact binary fraction. Past 2^20 half an ulp spans ten units of the
    // last decimal digit, so the digit before the final 5 is where the shortest text ends: a tie, as
    // 1073741824.00390625 (2^30 + 2^-8) is written 1073741824.0039062, never …63.
    const xs: number[] = [];
    for (let k = 0; k <= 30; k++)
      for (let m = 1; m <= Math.min(52 - k, 40); m++)
        for (let j = 1; j < 200; j += 2) {
          const x = 2 ** k + 3 + (j % 2 ** m) / 2 ** m;
          if (x < 2 ** 31) xs.push(x);
        }
    expect(textOf(2 ** 30 + 2 ** -8)).toBe('1073741824.0039062');
    expect(mismatches(xs)).toEqual([]);
  });

  it('writes integers, the range ends and the numbers it leaves to String as String does', () => {
    const [belowTop] = neighbours(2 ** 31);
    const xs = [
      1,
      7,
      1234567,
      2 ** 31 - 1,
      belowTop!,
      2 ** 31,
      2 ** 31 + 0.5,
      2 ** 53,
      1e21,
      1.5,
      100.25,
      0.1 + 0.2 + 1,
      9.999999999999998,
      1.0000000000000002, // 16 fraction digits: String's path
      ...neighbours(1.5),
      ...neighbours(10),
      0.5,
      1e-7,
      1.23e-20,
      0,
      -0,
      -1.5,
      -123456.789,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    expect(mismatches(xs)).toEqual([]);
  });

  it('returns where the text ends, after writing at the offset given', () => {
    buffer.fill(0);
    const end = writeNumberText(buffer, 5, 6.843356665302104);
    expect(end).toBe(5 + '6.843356665302104'.length);
    expect(decoder.decode(buffer.subarray(5, end))).toBe('6.843356665302104');
    expect([...buffer.subarray(0, 5)]).toEqual([0, 0, 0, 0, 0]);
  });
});
