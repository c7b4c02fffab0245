import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { HTTPRoute } from '../config/resources/schema/http-route.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { RetryOn, type RetryPolicyModel } from '../envoy/retry-policy.js';
import type { RouteModel } from '../envoy/route.js';
import { byDefault, type Explained, setAt } from './values.js';

export interface RetryExplanation {
  /** 0 with `policy` null: no retry policy at all (retries.attempts 0). */
  numRetries: Explained<number>;
  policy: {
    retryOn: Explained<string>;
    retriableStatusCodes: Explained<readonly number[]>;
    /** 0 = none. */
    perTryTimeoutMs: Explained<number>;
    backoffBaseMs: Explained<number>;
    backoffMaxMs: Explained<number>;
    retryHostPredicate: Explained<'previous_hosts' | 'none'>;
    hostSelectionRetryMaxAttempts: Explained<number>;
  } | null;
}

/** A route's retry policy: none at all, or the number of retries and how each is decided. */
export function explainRetry(
  model: RouteModel,
  r: HTTPRoute | undefined,
  doc: Located<VirtualService> | null,
  at: FieldPath,
  istioVersion: string,
  hashed: boolean,
): RetryExplanation {
  const retries = r?.retries;
  if (model.retry === null) {
    const attempts = retries?.attempts !== undefined ? [...at, 'retries', 'attempts'] : [...at, 'retries'];
    return {
      numRetries:
        doc === null ? byDefault(0, 'Istio default') : setAt(doc, attempts, 0, 'no retry policy at all'),
      policy: null,
    };
  }
  return {
    numRetries:
      retries?.attempts !== undefined && doc !== null
        ? setAt(doc, [...at, 'retries', 'attempts'], model.retry.numRetries)
        : byDefault(
            model.retry.numRetries,
            'Istio default',
            'no retries block (meshConfig.defaultHttpRetryPolicy unset)',
          ),
    policy: explainRetryPolicy(model.retry, r, doc, at, istioVersion, hashed),
  };
}

function explainRetryPolicy(
  policy: RetryPolicyModel,
  r: HTTPRoute | undefined,
  doc: Located<VirtualService> | null,
  at: FieldPath,
  istioVersion: string,
  hashed: boolean,
): NonNullable<RetryExplanation['policy']> {
  const retries = r?.retries;
  const rp = [...at, 'retries'];
  const retryOnSet = retries?.retryOn !== undefined && retries.retryOn !== '' && doc !== null;
  const codesDefault = byDefault(
    policy.retriableStatusCodes,
    'Istio default',
    policy.retriableStatusCodes.length > 0
      ? `Istio ${istioVersion} (< 1.24) retries upstream 503s`
      : 'empty since Istio 1.24 (EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY)',
  );
  return {
    retryOn: retryOnSet
      ? setAt(doc, [...rp, 'retryOn'], policy.retryOnText, retryOnNote(policy.retryOn))
      : byDefault(policy.retryOnText, 'Istio default', retryOnNote(policy.retryOn)),
    retriableStatusCodes: retryOnSet
      ? setAt(
          doc,
          [...rp, 'retryOn'],
          policy.retriableStatusCodes,
          policy.retriableStatusCodes.length > 0
            ? 'numeric tokens of retryOn'
            : 'retryOn names no status code',
        )
      : codesDefault,
    perTryTimeoutMs: explainPerTryTimeout(policy, retries, doc, rp),
    backoffBaseMs:
      retries?.backoff !== undefined && doc !== null
        ? setAt(doc, [...rp, 'backoff'], policy.backoffBaseMs)
        : byDefault(policy.backoffBaseMs, 'Envoy default', 'runtime upstream.base_retry_backoff_ms'),
    backoffMaxMs:
      retries?.backoff !== undefined && doc !== null
        ? setAt(doc, [...rp, 'backoff'], policy.backoffMaxMs, '10 × backoff')
        : byDefault(policy.backoffMaxMs, 'Envoy default', '10 × base'),
    retryHostPredicate:
      retries?.retryIgnorePreviousHosts === false && doc !== null
        ? setAt(doc, [...rp, 'retryIgnorePreviousHosts'], 'none')
        : hashed
          ? byDefault('none', 'Istio default', 'omitted: the destination hashes (consistent hash)')
          : byDefault('previous_hosts', 'Istio default'),
    hostSelectionRetryMaxAttempts: byDefault(
      policy.hostSelectionMaxAttempts,
      'Istio default',
      policy.previousHosts ? 'picks a host not tried before, up to 5 times' : 'unused without previous_hosts',
    ),
  };
}

/** retries.perTryTimeout: ignored when not below the route timeout, and retried only under some retryOn tokens. */
function explainPerTryTimeout(
  policy: RetryPolicyModel,
  retries: HTTPRoute['retries'],
  doc: Located<VirtualService> | null,
  rp: FieldPath,
): Explained<number> {
  const perTry = retries?.perTryTimeout;
  if (perTry === undefined || doc === null) return byDefault(0, 'Istio default');
  const onTimeout = (policy.retryOn & (RetryOn['5xx'] | RetryOn['gateway-error'] | RetryOn.reset)) !== 0;
  return setAt(
    doc,
    [...rp, 'perTryTimeout'],
    policy.perTryTimeoutMs,
    policy.perTryTimeoutMs === 0
      ? `ignored: ${perTry.text} is not below the route timeout`
      : onTimeout
        ? undefined
        : 'a per-try timeout is not retried under this retryOn (needs 5xx, gateway-error or reset)',
  );
}

/** What the retry_on tokens come to for plain HTTP/1.1 responses, when that is not what they seem. */
function retryOnNote(bits: number): string | undefined {
  const notes: string[] = [];
  const grpcOrH2 = RetryOn['refused-stream'] | RetryOn.unavailable | RetryOn.cancelled;
  if ((bits & grpcOrH2) !== 0 && (bits & (RetryOn['5xx'] | RetryOn['gateway-error'])) === 0) {
    notes.push('refused-stream needs HTTP/2 and unavailable/cancelled need grpc-status');
  }
  if ((bits & RetryOn['retriable-4xx']) !== 0) notes.push('retriable-4xx is 409 only');
  if ((bits & RetryOn['retriable-headers']) !== 0)
    notes.push('retriable-headers matches nothing: Istio sets no retriable_headers');
  if ((bits & RetryOn['envoy-ratelimited']) !== 0)
    notes.push('envoy-ratelimited retries answers marked x-envoy-ratelimited, which no other token retries');
  if ((bits & RetryOn['5xx']) !== 0)
    notes.push('5xx covers resets, connect failures and per-try timeouts too');
  return notes.length === 0 ? undefined : notes.join('; ');
}
