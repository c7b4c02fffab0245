// Go's time.ParseDuration grammar, which is what Istio (and the CRD's CEL `duration()`) accepts.
const NS_PER_UNIT: Readonly<Record<string, number>> = {
  h: 3_600_000_000_000,
  m: 60_000_000_000,
  s: 1_000_000_000,
  ms: 1_000_000,
  us: 1_000,
  µs: 1_000, // U+00B5 micro sign
  μs: 1_000, // U+03BC greek mu; Go accepts both
  ns: 1,
};

const GROUP = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y;
/** The same grammar as a JSON Schema pattern, for editors; `parseDurationMs` also bounds the total. */
export const DURATION_PATTERN = '^(0|((\\d+(\\.\\d*)?|\\.\\d+)(h|ms|m|s|us|µs|μs|ns))+)$';
const MAX_NS = 2 ** 63; // Go durations are int64 nanoseconds
const NS_PER_MS = 1_000_000;

/** Go's longest duration, as it prints it: int64 nanoseconds. */
export const MAX_DURATION_TEXT = '2562047h47m16.854775807s';

/**
 * Parses a Go/Istio duration (`250ms`, `10s`, `1m30s`, `1.5h`, `100us`) into milliseconds,
 * fractions kept. Signs, spaces, missing units (except a bare `0`) and overflow give `undefined`.
 */
export function parseDurationMs(text: string): number | undefined {
  const ns = durationNs(text);
  if (ns === undefined || ns >= MAX_NS) return undefined;
  return ns / NS_PER_MS;
}

/** Whether `text` is written as a duration but is longer than Go's longest (int64 nanoseconds). */
export function isDurationTooLong(text: string): boolean {
  const ns = durationNs(text);
  return ns !== undefined && ns >= MAX_NS;
}

/** The nanoseconds a duration's text says, however large; undefined when it is not a duration. */
function durationNs(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 100) return undefined;
  if (text === '0') return 0;
  let totalNs = 0;
  let pos = 0;
  while (pos < text.length) {
    GROUP.lastIndex = pos;
    const match = GROUP.exec(text);
    if (match === null) return undefined;
    const [whole, amount, unit] = match;
    totalNs += Number(amount) * (NS_PER_UNIT[unit as string] ?? Number.NaN);
    pos += whole.length;
  }
  return Number.isNaN(totalNs) ? undefined : totalNs;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Compact, parseable form of a duration: `250ms`, `10s`, `1.5s`, `2m`, `1m30s`, `1h`, `100us`. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms}ms`;
  if (ms < 0) return `-${formatDurationMs(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${round3(ms * NS_PER_MS)}ns`;
  if (ms < 1) return `${round3(ms * 1000)}us`;
  if (ms < 1000) return `${round3(ms)}ms`;
  const totalUs = Math.round(ms * 1000); // whole microseconds, so the parts below are exact
  const hours = Math.floor(totalUs / 3_600_000_000);
  const minutes = Math.floor((totalUs % 3_600_000_000) / 60_000_000);
  const seconds = (totalUs % 60_000_000) / 1_000_000;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${seconds}s`;
  return out;
}
