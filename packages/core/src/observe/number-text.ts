/**
 * A double's text as `String(x)` (ECMA-262 Number::toString) writes it, into a byte buffer, without a
 * string: the trace's times are millisecond doubles of 16 or 17 digits, and V8's conversion (a runtime
 * call and a new string) was half the cost of a trace. Exact for 1 ≤ x < 2^31; other numbers take
 * String's own path.
 */

/** 10^F, exact in a double for F ≤ 22, and each split into 26-bit halves for an exact product. */
const POW10: number[] = [];
const POW10_HIGH: number[] = [];
const POW10_LOW: number[] = [];
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134_217_729;
for (let f = 0, p = 1; f <= 15; f++, p *= 10) {
  const c = SPLITTER * p;
  const high = c - (c - p);
  POW10.push(p);
  POW10_HIGH.push(high);
  POW10_LOW.push(p - high);
}

/** 2^(e − 1), half an ulp of a double of exponent e (its ulp 2^e), for e from −52 to −22: 1 ≤ x < 2^31. */
const HALF_ULP: number[] = [];
for (let e = -52, half = 2 ** -53; e <= -22; e++, half *= 2) HALF_ULP.push(half);

/** The bits of a double, to read its exponent. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Which 32-bit word holds the sign and exponent: the second on a little-endian machine. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Writes `x` at `at` in `buffer` as String(x) would, and returns where the text ends; the caller leaves
 * room for 24 bytes.
 */
export function writeNumberText(buffer: Uint8Array, at: number, x: number): number {
  if (x >= 1 && x < 2_147_483_648) {
    const whole = Math.floor(x) | 0;
    if (whole === x) return writeDigits(buffer, at, whole);
    const end = writeFraction(buffer, at, x, whole);
    if (end >= 0) return end;
  }
  const text = String(x);
  for (let i = 0; i < text.length; i++) buffer[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** A non-negative integer below 2^31, two digits a step (int32 division by 100 compiles to a multiply). */
export function writeDigits(buffer: Uint8Array, at: number, n: number): number {
  const digits = digitCount(n);
  writeFixed(buffer, at, n, digits);
  return at + digits;
}

/** How many digits a non-negative integer below 2^31 has. */
function digitCount(n: number): number {
  if (n < 100_000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10_000 ? 4 : 5;
  if (n < 10_000_000) return n < 1_000_000 ? 6 : 7;
  return n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10;
}

/** "00" to "99": two digits a step. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** The last `digits` digits of a non-negative integer below 2^31, leading zeros kept. */
function writeFixed(buffer: Uint8Array, at: number, n: number, digits: number): void {
  let i = at + digits;
  while (i - at >= 2) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) << 1;
    buffer[--i] = PAIRS[pair + 1]!;
    buffer[--i] = PAIRS[pair]!;
    n = q;
  }
  if (i > at) buffer[at] = 48 + n - ((n / 10) | 0) * 10;
}

/** Fraction digits tried at most: 10^15 · fraction stays below 2^53, so N is an exact integer. */
const MAX_FRACTION_DIGITS = 15;

/**
 * `whole.fraction` with the fewest fraction digits F whose decimal reads back as `x`, and of those
 * the nearest to `x` (a tie to the even): Number::toString's choice (ECMA-262 6.1.6.1.20 and its
 * note 2), which V8 makes. Returns -1 when more than 15 fraction digits are needed. One function
 * with no double crossing a call: V8 boxes a double argument of a call it does not inline.
 */
function writeFraction(buffer: Uint8Array, at: number, x: number, whole: number): number {
  bits[0] = x;
  const exponent = ((words[HIGH_WORD]! >>> 20) & 0x7ff) - 1075;
  // x ≥ 1 is no power of two here, so its neighbours are an ulp away on both sides.
  const halfUlp = HALF_ULP[exponent + 52]!;
  const fraction = x - whole;
  const c = SPLITTER * fraction;
  const fHigh = c - (c - fraction);
  const fLow = fraction - fHigh;
  const wholeDigits = digitCount(whole);
  // A trace's times need 17 significant digits about half the time, 16 most of the others (15 for 5 %,
  // fewer for under 1 %); a decimal that reads back with F digits still does with F + 1 (a zero
  // added): start at 16 and step either way.
  let f = 16 - wholeDigits;
  let step = 0;
  let n = 0;
  for (;;) {
    if (step > 0 && f <= MAX_FRACTION_DIGITS) {
      // 17 significant digits: the nearest decimal is within half a unit of the 17th digit, under
      // half an ulp of x (x ≥ 10^(D−1) makes that over 0.55 units), so it reads back. The rounded
      // product, within 2^-53 of it relatively, tells the nearest integer unless that close to a tie.
      const scaled = fraction * POW10[f]!;
      const floor = Math.floor(scaled);
      const part = scaled - floor;
      if (Math.abs(part - 0.5) > scaled * 2.3e-16) {
        n = part < 0.5 ? floor : floor + 1;
        break;
      }
    }
    // Is the integer nearest to fraction · 10^F (a tie to the even) strictly within half an ulp of x,
    // scaled by 10^F? Never exactly at it: x ± ulp/2 is an odd multiple of 2^(e − 1) ≤ 2^-23 (x < 2^31),
    // which no decimal of at most 15 fraction digits is.
    let inside = false;
    let nearest = 0;
    if (f >= 1 && f <= MAX_FRACTION_DIGITS) {
      const p = POW10[f]!;
      const bound = halfUlp * p;
      const scaled = fraction * p;
      // The rounded product is within 2^-53 of it, relatively: far from every integer, that is enough.
      if (Math.abs(scaled - Math.round(scaled)) - bound <= scaled * 4.5e-16) {
        // fraction · 10^F = scaled + error, exactly (Dekker's product).
        const error =
          fHigh * POW10_HIGH[f]! -
          scaled +
          fHigh * POW10_LOW[f]! +
          fLow * POW10_HIGH[f]! +
          fLow * POW10_LOW[f]!;
        const floor = Math.floor(scaled);
        const part = scaled - floor;
        // N is floor or floor + 1, and N − fraction · 10^F = −(gap + error) with gap exact.
        nearest = floor;
        let gap = part;
        if (part > 0.5 || (part === 0.5 && (error > 0 || (error === 0 && floor % 2 === 1)))) {
          nearest = floor + 1;
          gap = part - 1;
        }
        // sum + rest = gap + error exactly (Knuth's two-sum); the rounded sum alone orders it against
        // the bound unless the two are equal.
        const sum = gap + error;
        const gapPart = sum - error;
        const rest = gap - gapPart + (error - (sum - gapPart));
        const size = sum < 0 ? -sum : sum;
        inside = size < bound || (size === bound && (sum < 0 ? -rest : rest) < 0);
      }
    }
    if (inside) {
      n = nearest;
      if (step > 0) break;
      step = -1;
      f--;
    } else if (step < 0) {
      f++; // the last F tried that read back
      break;
    } else if (step > 0) {
      return -1; // 17 − D digits, past 15 fraction digits
    } else {
      step = 1;
      f++;
    }
  }
  writeFixed(buffer, at, whole, wholeDigits);
  let end = at + wholeDigits;
  buffer[end++] = 46; // '.'
  // N's F digits, leading zeros kept (its last is never 0, or F − 1 digits would have done), in two
  // int32 halves: N < 10^15, and N / 10^8 is never within 10^-9 of an integer it does not reach.
  if (f <= 8) writeFixed(buffer, end, n | 0, f);
  else {
    const high = Math.floor(n / 100_000_000);
    writeFixed(buffer, end, high | 0, f - 8);
    writeFixed(buffer, end + f - 8, (n - high * 100_000_000) | 0, 8);
  }
  return end + f;
}
