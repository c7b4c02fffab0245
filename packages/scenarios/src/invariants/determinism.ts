import type { Report } from '@meshsim/core';
import type { Invariant } from './invariant.js';

const NAME = 'sameSeedSameReport';

/** The first place two JSON values differ, as a path (`client.byStatus["503"]`), or undefined. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return path;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  for (const key of keys) {
    const step = Array.isArray(a)
      ? `[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `.${key}`
        : `[${JSON.stringify(key)}]`;
    const found = firstDifference(ra[key], rb[key], `${path}${step}`);
    if (found !== undefined) return found;
  }
  // Same content in a different key order still prints differently.
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${path} (key order)`;
}

/**
 * The same seed gives the same report, byte for byte: `run` (a closure over one spec, seed
 * included) is called `runs` times (default 2) and each JSON report compared with the first.
 */
export function sameSeedSameReport(options: { runs?: number } = {}): Invariant<() => Report> {
  const runs = Math.max(2, options.runs ?? 2);
  return (run) => {
    const first = run();
    const text = JSON.stringify(first);
    for (let i = 1; i < runs; i++) {
      const again = run();
      if (JSON.stringify(again) !== text) {
        const where =
          firstDifference(JSON.parse(text), JSON.parse(JSON.stringify(again)), 'report') ?? 'report';
        return [{ invariant: NAME, message: `run ${i + 1} differs from run 1 at ${where}` }];
      }
    }
    return [];
  };
}
