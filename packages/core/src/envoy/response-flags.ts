/**
 * Envoy's response flags as bits, in the order Envoy prints them (ResponseFlagUtils), and as the
 * comma-joined short string of access logs and the report's `byFlag` ("-" when none).
 */
export const Flag = {
  UH: 1 << 0,
  UT: 1 << 1,
  LR: 1 << 2,
  UR: 1 << 3,
  UF: 1 << 4,
  UC: 1 << 5,
  UO: 1 << 6,
  NR: 1 << 7,
  DI: 1 << 8,
  FI: 1 << 9,
  URX: 1 << 10,
  NC: 1 << 11,
  DF: 1 << 12,
} as const;
export type FlagName = keyof typeof Flag;

const ORDER = Object.keys(Flag) as FlagName[];
/** Every combination of flags is a mask below this. */
export const FLAG_MASKS = 1 << ORDER.length;
const texts = new Map<number, string>();

/** "UF,URX" for UF|URX; cached, so the hot path allocates no string. */
export function flagsText(mask: number): string {
  let text = texts.get(mask);
  if (text === undefined) {
    text = ORDER.filter((f) => (mask & Flag[f]) !== 0).join(',') || '-';
    texts.set(mask, text);
  }
  return text;
}

/** What each flag means, spelled out for people reading a report. */
export const responseFlagMeaning: Readonly<Record<FlagName | '-', string>> = {
  '-': 'no flag: the upstream answered',
  UH: 'no healthy upstream host',
  UT: 'upstream request timeout',
  LR: 'connection local reset',
  UR: 'upstream remote reset',
  UF: 'upstream connection failure',
  UC: 'upstream connection terminated before the response',
  UO: 'upstream overflow: a circuit breaker rejected the request',
  NR: 'no route found',
  DI: 'fault injected: delay',
  FI: 'fault injected: abort',
  URX: 'retry limit exceeded',
  NC: 'no cluster found',
  DF: 'DNS resolution failed (for ORIGINAL_DST: the application could not resolve the name it dials)',
};
