import { re2js } from '../re2.js';
import type { Duration } from '../schema/common.js';
import type { RuleReport } from './report.js';

// Field-level checks shared by the three kinds: durations, percentages, headers, regexes, exportTo.

/** Istio's ValidateDuration: at least 1ms and a whole number of milliseconds. */
export function checkDuration(
  report: RuleReport,
  path: ReadonlyArray<string | number>,
  d: Duration | undefined,
): void {
  if (d === undefined) return;
  if (d.ms < 1) report.error(path, 'duration must be greater than 1ms');
  else if (!Number.isInteger(Math.round(d.ms * 1e6) / 1e6))
    report.error(path, 'only durations to ms precision are supported');
}

/** Fault-injection percentages: 0, or 0.0001..100. */
export function checkFaultPercentage(
  report: RuleReport,
  path: ReadonlyArray<string | number>,
  value: number | undefined,
): void {
  if (value === undefined) return;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    report.error(path, `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const JWT_CLAIM_PREFIX = '@request.auth.claims';

/** `@request.auth.claims.a.b` or `@request.auth.claims[a][b]`: routing on a JWT claim. */
export function isJwtClaimHeader(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM_PREFIX)) return false;
  const rest = name.slice(JWT_CLAIM_PREFIX.length);
  return (
    (rest.startsWith('.') && rest.length > 1) ||
    (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2)
  );
}

/** A header name in a match: an RFC 7230 token, a pseudo-header, or a JWT claim. */
export function headerMatchNameProblem(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isJwtClaimHeader(name) || PSEUDO_HEADERS.has(name) || HEADER_TOKEN.test(name)) return undefined;
  return `header name ${name} is not a valid header name`;
}

export function corsHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name === '*' || HEADER_TOKEN.test(name)) return undefined;
  return `header name ${name} is not a valid header name`;
}

const isInternalHeader = (name: string): boolean => name.startsWith(':') || name.toLowerCase() === 'host';
export const isAuthorityHeader = (name: string): boolean =>
  name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';

/** A request header to add or set: anything but another pseudo-header (authority is checked separately). */
export function requestSetHeaderProblem(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name))
    return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** A request header to remove, or any response header operation. */
export function headerOperationProblem(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters a header value may not hold
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * A header value as Envoy parses custom headers: `%%` is a literal percent, `%VAR%` and
 * `%VAR(args)%` are variables, and any other `%` is an error.
 */
export function headerValueProblem(value: string): string | undefined {
  if (HEADER_VALUE_FORBIDDEN.test(value)) return `header value configuration ${value} is invalid`;
  type State = 'literal' | 'name' | 'array' | 'string' | 'delimiter' | 'stringStart' | 'argsEnd' | 'varEnd';
  let state: State = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return 'header value configuration: invalid header configuration. Un-escaped %';
        if (value[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'stringStart';
        else if (ch !== ' ') state = 'string';
        break;
      case 'delimiter':
        if (ch === ',') state = 'stringStart';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ')
          return "header value configuration: invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case 'stringStart':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return `header value configuration: invalid header configuration. Expecting '"'`;
        break;
      case 'string':
        if (ch === '\\') {
          if (!hasNext)
            return 'header value configuration: invalid header configuration. Un-terminated backslash in JSON string';
          pos++;
        } else if (ch === ')') state = 'varEnd';
        else if (ch === '"') state = 'delimiter';
        break;
      case 'argsEnd':
        if (ch === ')') state = 'varEnd';
        else if (ch !== ' ')
          return "header value configuration: invalid header configuration. Expecting ')' or whitespace";
        break;
      case 'varEnd':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ')
          return "header value configuration: invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  if (state !== 'literal') {
    return `header value configuration: invalid header configuration. Un-terminated variable expression '${value}'`;
  }
  return undefined;
}

const MAX_REGEX_LENGTH = 1024;

/** Istio's validateStringRegexp: RE2 syntax (Envoy's engine), at most 1024 characters. */
export function regexProblem(regex: string, where: string): string | undefined {
  if (Buffer.byteLength(regex, 'utf8') > MAX_REGEX_LENGTH) {
    return `"${where}": regex is too large, max length allowed is ${MAX_REGEX_LENGTH}`;
  }
  try {
    re2js().compile(regex);
    return undefined;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return `"${where}": ${reason}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
  }
}
