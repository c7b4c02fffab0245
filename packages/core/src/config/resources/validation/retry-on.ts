import { goAtoi } from './hosts.js';

/** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on conditions that Istio accepts in `retryOn`. */
export const RETRY_ON_POLICIES: ReadonlySet<string> = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** The status codes Go's net/http.StatusText names: the only numbers Istio accepts in `retryOn`. */
const KNOWN_STATUS_CODES: ReadonlySet<number> = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307,
  308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421,
  422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * The entries of a `retryOn` string Istio rejects. It splits on commas without trimming, so
 * `"5xx, reset"` has the entry `" reset"`, which is not a policy; numbers are read as Go's Atoi
 * does (`+503` and `0503` are 503).
 */
export function invalidRetryOnEntries(retryOn: string): string[] {
  if (retryOn === '') return [];
  return retryOn.split(',').filter((entry) => {
    const code = goAtoi(entry);
    return !(code !== undefined && KNOWN_STATUS_CODES.has(code)) && !RETRY_ON_POLICIES.has(entry);
  });
}
