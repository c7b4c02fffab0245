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

/**
 * An HTTP route's `retries`: attempts, per-try timeout, conditions. Istio refuses a per-try
 * timeout, conditions or `retryRemoteLocalities` when attempts are 0 (or unset), so those come
 * only with one attempt or more.
 */
export function httpRetry(): Arbitrary<HttpRetryInput> {
  return fc.oneof(
    someOf({ attempts: fc.constant(0), backoff: duration({ minMs: 1, maxMs: 1000 }) }),
    fc
      .tuple(
        count(1, 2_147_483_647, 10),
        someOf({
          perTryTimeout: duration({ minMs: 1, maxMs: 60_000 }),
          retryOn: fc.subarray([...RETRY_ON], { minLength: 1 }).map((conditions) => conditions.join(',')),
          retryRemoteLocalities: fc.boolean(),
          backoff: duration({ minMs: 1, maxMs: 1000 }),
        }),
      )
      .map(([attempts, rest]) => ({ attempts, ...rest })),
  );
}

/** An HTTP route's `fault`: a fixed delay (Istio refuses `exponentialDelay`), an abort, or both. */
export function httpFault(): Arbitrary<HttpFaultInput> {
  const delay = fc
    .tuple(
      record({ fixedDelay: duration({ minMs: 1, maxMs: 10_000 }) }),
      someOf({ percentage: percentage() }),
    )
    .map(([kind, share]) => ({ ...kind, ...share }));
  const abort = fc
    .tuple(record({ httpStatus: httpStatus(200, 599) }), someOf({ percentage: percentage() }))
    .map(([status, share]) => ({ ...status, ...share }));
  return fc.oneof(record({ delay }), record({ abort }), record({ delay, abort }));
}

type RouteAction = Omit<HttpRouteInput, 'match'>;

/** What a route does, whatever it matches: timeout, retries, fault, and one destination or a v1/v2 split. */
function routeAction(host: string, port: number | undefined): Arbitrary<RouteAction> {
  const destination = port === undefined ? { host } : { host, port: { number: port } };
  return fc
    .tuple(
      someOf({
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

/** One `http` route to `host`: an optional prefix match, timeout, retries and fault. */
export function httpRoute(constraints: { host: string; port?: number }): Arbitrary<HttpRouteInput> {
  return fc
    .tuple(
      someOf({ match: httpPath().map((prefix) => [{ uri: { prefix } }]) }),
      routeAction(constraints.host, constraints.port),
    )
    .map(([match, action]) => ({ ...match, ...action }));
}

/**
 * One to three routes every one of which can be taken, as Istio's unreachable-route analysis
 * wants: each but the last matches a prefix `/<segment>/` with a segment of its own (so no prefix
 * covers another), and the last may be a catch-all.
 */
function reachableRoutes(host: string, port: number | undefined): Arbitrary<HttpRouteInput[]> {
  return fc
    .tuple(
      fc.array(routeAction(host, port), { minLength: 1, maxLength: 3 }),
      fc.uniqueArray(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 3, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([actions, segments, catchAll]) =>
      actions.map((action, i) =>
        catchAll && i === actions.length - 1
          ? action
          : { match: [{ uri: { prefix: `/${segments[i]}/` } }], ...action },
      ),
    );
}

/**
 * A valid VirtualService for `host` (default: any) with one to three HTTP routes, none of them
 * unreachable.
 */
export function virtualService(
  constraints: { host?: string; port?: number; namespace?: string } = {},
): Arbitrary<VirtualServiceInput> {
  return record({
    apiVersion: istioApiVersion(),
    name: objectName(),
    namespace: constraints.namespace === undefined ? objectName() : fc.constant(constraints.namespace),
    host: constraints.host === undefined ? hostname() : fc.constant(constraints.host),
    http: reachableRoutes('', constraints.port),
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
