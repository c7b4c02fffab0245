import { parseRetryOn, type RetryPolicyModel } from '../../envoy/retry-policy.js';
import type { FieldPath } from '../resources/positions.js';
import { type DumpContext, listUnmodelled } from './dump-context.js';
import { type RetryPolicyJson, retryPolicySchema } from './schema/route.js';

/** Envoy's defaults: one retry, 25 ms back-off up to ten times that, one host selection attempt. */
const ENVOY_NUM_RETRIES = 1;
const ENVOY_BACKOFF_BASE_MS = 25;
const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';

/** RetryPolicy fields that change nothing the simulation runs. */
const INERT_RETRY_FIELDS = [
  'retry_priority',
  'rate_limited_retry_back_off',
  'retriable_headers',
  'retriable_request_headers',
];

/**
 * A RetryPolicy as the router runs it, with Envoy's defaults for what it leaves out. retry_on takes
 * Envoy's tokens only (a number is not one: retriable_status_codes lists the codes); the tokens Envoy
 * does not know are listed as not modelled.
 */
export function readRetryPolicy(
  ctx: DumpContext,
  raw: unknown,
  parsed: RetryPolicyJson,
  path: FieldPath,
): RetryPolicyModel {
  listUnmodelled(ctx, raw, path, retryPolicySchema, INERT_RETRY_FIELDS, 'retry_policy');
  const text = parsed.retry_on ?? '';
  const { bits, unknown } = parseRetryOn(
    text
      .split(',')
      .filter((t) => !/^\d+$/.test(t.trim()))
      .join(','),
  );
  if (unknown.length > 0 || /(^|,)\s*\d+\s*(,|$)/.test(text)) {
    ctx.notModelled(
      [...path, 'retry_on'],
      `retry_on tokens Envoy does not retry on: ${[...unknown, ...text.split(',').filter((t) => /^\d+$/.test(t.trim()))].join(', ')}`,
    );
  }
  const predicates = parsed.retry_host_predicate ?? [];
  predicates.forEach((p, i) => {
    if (p.name !== PREVIOUS_HOSTS)
      ctx.notModelled([...path, 'retry_host_predicate', i], `retry host predicate ${p.name ?? '?'}`);
  });
  const base = parsed.retry_back_off?.base_interval ?? ENVOY_BACKOFF_BASE_MS;
  return {
    numRetries: parsed.num_retries ?? ENVOY_NUM_RETRIES,
    retryOn: bits,
    retryOnText: text,
    retriableStatusCodes: parsed.retriable_status_codes ?? [],
    perTryTimeoutMs: parsed.per_try_timeout ?? 0,
    backoffBaseMs: base,
    backoffMaxMs: parsed.retry_back_off?.max_interval ?? 10 * base,
    previousHosts: predicates.some((p) => p.name === PREVIOUS_HOSTS),
    hostSelectionMaxAttempts: parsed.host_selection_retry_max_attempts ?? 1,
  };
}
