import type { VirtualServiceInput } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { istioApiVersion } from './destination-rule.js';
import { count, duration, hostname, httpPath, httpStatus, objectName, record, someOf } from './primitives.js';

export type HttpRouteInput = NonNullable<VirtualServiceInput['spec']['http']>[number];
export type HttpRetryInput = NonNullable<HttpRouteInput['retries']>;
export type HttpFaultInput = NonNullable<HttpRouteInput['fault']>;

/** Envoy's retry conditions as Istio's `retryOn` lists them, and a few status codes. */
export const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  '503',
] as const;

const percentage = () => record({ value: fc.integer({ min: 0, max: 1000 }).map((n) => n / 10) });

/** An HTTP route's `retries`: attempts, per-try timeout, conditions. */
export function httpRetry(): Arbitrary<HttpRetryInput> {
  return someOf({
    attempts: count(0, 2_147_483_647, 10),
    perTryTimeout: duration({ minMs: 1, maxMs: 60_000 }),
    retryOn: fc.subarray([...RETRY_ON], { minLength: 1 }).map((conditions) => conditions.join(',')),
    retryRemoteLocalities: fc.boolean(),
    backoff: duration({ minMs: 1, maxMs: 1000 }),
  });
}

/** An HTTP route's `fault`: a delay, an abort, or both. */
export function httpFault(): Arbitrary<HttpFaultInput> {
  const delay = fc
    .tuple(
      fc.oneof(
        record({ fixedDelay: duration({ minMs: 1, maxMs: 10_000 }) }),
        record({ exponentialDelay: duration({ minMs: 1, maxMs: 10_000 }) }),
      ),
      someOf({ percentage: percentage() }),
    )
    .map(([kind, share]) => ({ ...kind, ...share }));
  const abort = fc
    .tuple(record({ httpStatus: httpStatus(200, 599) }), someOf({ percentage: percentage() }))
    .map(([status, share]) => ({ ...status, ...share }));
  return fc.oneof(record({ delay }), record({ abort }), record({ delay, abort }));
}

/** One `http` route to `host`: an optional prefix match, timeout, retries and fault. */
export function httpRoute(constraints: { host: string; port?: number }): Arbitrary<HttpRouteInput> {
  const { host, port } = constraints;
  const destination = port === undefined ? { host } : { host, port: { number: port } };
  return fc
    .tuple(
      someOf({
        match: httpPath().map((prefix) => [{ uri: { prefix } }]),
        timeout: duration({ minMs: 1, maxMs: 120_000 }),
        retries: httpRetry(),
        fault: httpFault(),
      }),
      fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    )
    .map(([parts, split]) => ({
      ...parts,
      route:
        split === undefined
          ? [{ destination: { ...destination } }]
          : [
              { destination: { ...destination, subset: 'v1' }, weight: split },
              { destination: { ...destination, subset: 'v2' }, weight: 100 - split },
            ],
    }));
}

/** A valid VirtualService for `host` (default: any) with one to three HTTP routes. */
export function virtualService(
  constraints: { host?: string; port?: number; namespace?: string } = {},
): Arbitrary<VirtualServiceInput> {
  return record({
    apiVersion: istioApiVersion(),
    name: objectName(),
    namespace: constraints.namespace === undefined ? objectName() : fc.constant(constraints.namespace),
    host: constraints.host === undefined ? hostname() : fc.constant(constraints.host),
    http: fc.array(httpRoute({ host: '', port: constraints.port }), { minLength: 1, maxLength: 3 }),
  }).map(({ apiVersion, name, namespace, host, http }) => ({
    apiVersion,
    kind: 'VirtualService' as const,
    metadata: { name, namespace },
    spec: {
      hosts: [host],
      // The routes were drawn for a placeholder host; they go to this one.
      http: http.map((route) => ({
        ...route,
        route: route.route?.map((to) => ({ ...to, destination: { ...to.destination, host } })),
      })),
    },
  }));
}
