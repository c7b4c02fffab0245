import type { RE2JS } from 're2js';
import { re2js } from '../resources/re2.js';
import type { DumpStringMatch } from './dump-model.js';

const compiled = new Map<string, RE2JS | null>();

/** An RE2 regex (Envoy's engine), compiled once; null when it does not compile. */
function re2(regex: string): RE2JS | null {
  let re = compiled.get(regex);
  if (re === undefined) {
    try {
      re = re2js().compile(regex);
    } catch {
      re = null;
    }
    compiled.set(regex, re);
  }
  return re;
}

/** Whether `regex` matches the whole of `value`, as Envoy's safe_regex does; false when it does not compile. */
export function regexMatches(regex: string, value: string): boolean {
  return re2(regex)?.matches(value) ?? false;
}

/** Envoy's StringMatcher: exact, prefix, suffix, contains (optionally ignoring case), or a full RE2 match. */
export function stringMatches(m: DumpStringMatch, value: string): boolean {
  const fold = (s: string) => (m.ignoreCase ? s.toLowerCase() : s);
  const v = fold(value);
  if (m.exact !== undefined) return v === fold(m.exact);
  if (m.prefix !== undefined) return v.startsWith(fold(m.prefix));
  if (m.suffix !== undefined) return v.endsWith(fold(m.suffix));
  if (m.contains !== undefined) return v.includes(fold(m.contains));
  if (m.regex !== undefined) return regexMatches(m.regex, value);
  return true;
}
