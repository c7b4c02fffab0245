import { type FieldPath, formatPath } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { destinationRule } from './destination-rule.js';
import { scenarioDocument } from './scenario.js';
import { serviceEntry } from './service-entry.js';
import { virtualService } from './virtual-service.js';

/** A document with one deliberate mistake, and where the loader must report it. */
export interface InvalidDocument {
  document: Record<string, unknown>;
  /** The field path as diagnostics print it (`spec.trafficPolicy.outlierDetection.maxEjectionPercent`). */
  path: string;
  /** The mistake, in words. */
  reason: string;
}

type Doc = Record<string | number, unknown>;
type Path = ReadonlyArray<string | number>;
/** Breaks `doc` in place and returns the path of the field that is now wrong. */
interface Mutation {
  reason: string;
  apply(doc: Doc): FieldPath;
}

/** The object or list at `path`, objects created (as `{}`) where missing. */
function objectAt(root: Doc, path: Path): Doc {
  let node = root;
  for (const key of path) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Doc;
  }
  return node;
}

/** Sets `path` to `value`, creating the objects on the way; returns `path`. */
function put(root: Doc, path: Path, value: unknown): FieldPath {
  objectAt(root, path.slice(0, -1))[path[path.length - 1] as string | number] = value;
  return path;
}

/** Appends `value` to the list at `path` (created when missing); returns the new item's path. */
function push(root: Doc, path: Path, value: unknown): FieldPath {
  const parent = objectAt(root, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  const list = Array.isArray(parent[key]) ? (parent[key] as unknown[]) : [];
  parent[key] = list;
  return [...path, list.push(value) - 1];
}

function invalidOf(valid: Arbitrary<object>, mutations: readonly Mutation[]): Arbitrary<InvalidDocument> {
  return fc.tuple(valid, fc.constantFrom(...mutations)).map(([doc, mutation]) => {
    const document = JSON.parse(JSON.stringify(doc)) as Doc;
    return { document, path: formatPath(mutation.apply(document)), reason: mutation.reason };
  });
}

const POLICY = ['spec', 'trafficPolicy'];
const OUTLIER = [...POLICY, 'outlierDetection'];
const POOL = [...POLICY, 'connectionPool'];

const DESTINATION_RULE: readonly Mutation[] = [
  { reason: 'maxEjectionPercent over 100', apply: (d) => put(d, [...OUTLIER, 'maxEjectionPercent'], 101) },
  { reason: 'negative consecutive5xxErrors', apply: (d) => put(d, [...OUTLIER, 'consecutive5xxErrors'], -1) },
  { reason: 'interval without a unit', apply: (d) => put(d, [...OUTLIER, 'interval'], '10') },
  { reason: 'fractional maxConnections', apply: (d) => put(d, [...POOL, 'tcp', 'maxConnections'], 1.5) },
  { reason: 'connectTimeout under 1ms', apply: (d) => put(d, [...POOL, 'tcp', 'connectTimeout'], '0s') },
  {
    reason: 'a pending limit as text',
    apply: (d) => put(d, [...POOL, 'http', 'http1MaxPendingRequests'], 'ten'),
  },
  {
    reason: 'simple and consistentHash together',
    apply: (d) => [
      ...put(d, [...POLICY, 'loadBalancer'], {
        simple: 'ROUND_ROBIN',
        consistentHash: { httpHeaderName: 'x-user' },
      }),
      'consistentHash',
    ],
  },
  {
    reason: 'an unknown load balancer',
    apply: (d) => [...put(d, [...POLICY, 'loadBalancer'], { simple: 'FASTEST' }), 'simple'],
  },
  {
    reason: 'an unknown TLS mode',
    apply: (d) => [...put(d, [...POLICY, 'tls'], { mode: 'STRICT' }), 'mode'],
  },
  { reason: 'an empty host', apply: (d) => put(d, ['spec', 'host'], '') },
  { reason: 'an unserved apiVersion', apply: (d) => put(d, ['apiVersion'], 'networking.istio.io/v2') },
];

// Generated VirtualServices always have a first route with a first destination.
const ROUTE = ['spec', 'http', 0];

const VIRTUAL_SERVICE: readonly Mutation[] = [
  { reason: 'negative retry attempts', apply: (d) => put(d, [...ROUTE, 'retries', 'attempts'], -1) },
  {
    reason: 'a perTryTimeout that is not a duration',
    apply: (d) => put(d, [...ROUTE, 'retries', 'perTryTimeout'], '1x'),
  },
  { reason: 'a timeout that is not a duration', apply: (d) => put(d, [...ROUTE, 'timeout'], 'soon') },
  {
    reason: 'an abort status over 599',
    apply: (d) => [...put(d, [...ROUTE, 'fault'], { abort: { httpStatus: 700 } }), 'abort', 'httpStatus'],
  },
  {
    reason: 'a fixed and an exponential delay together',
    apply: (d) => [
      ...put(d, [...ROUTE, 'fault'], { delay: { fixedDelay: '1s', exponentialDelay: '1s' } }),
      'delay',
      'exponentialDelay',
    ],
  },
  {
    reason: 'a fault percentage over 100',
    apply: (d) => [
      ...put(d, [...ROUTE, 'fault'], { abort: { httpStatus: 503, percentage: { value: 101 } } }),
      'abort',
      'percentage',
      'value',
    ],
  },
  {
    reason: 'a destination port over 65535',
    apply: (d) => put(d, [...ROUTE, 'route', 0, 'destination', 'port', 'number'], 70_000),
  },
  { reason: 'a negative route weight', apply: (d) => put(d, [...ROUTE, 'route', 0, 'weight'], -1) },
  { reason: 'an empty host', apply: (d) => [...put(d, ['spec', 'hosts'], ['']), 0] },
];

const SERVICE_ENTRY: readonly Mutation[] = [
  { reason: 'a wildcard host', apply: (d) => [...put(d, ['spec', 'hosts'], ['*']), 0] },
  {
    reason: 'a duplicated port number',
    apply: (d) => {
      const port = objectAt(d, ['spec', 'ports', 0]);
      return [...push(d, ['spec', 'ports'], { ...port, name: 'duplicate' }), 'number'];
    },
  },
  {
    reason: 'endpoints with resolution NONE',
    apply: (d) => {
      put(d, ['spec', 'resolution'], 'NONE');
      return put(d, ['spec', 'endpoints'], [{ address: '192.0.2.1' }]);
    },
  },
  {
    reason: 'two endpoints with resolution DNS_ROUND_ROBIN',
    apply: (d) => {
      put(d, ['spec', 'resolution'], 'DNS_ROUND_ROBIN');
      delete objectAt(d, ['spec']).addresses;
      return [
        ...put(d, ['spec', 'endpoints'], [{ address: 'a.example.com' }, { address: 'b.example.com' }]),
        1,
      ];
    },
  },
  {
    reason: 'a CIDR address with resolution DNS',
    apply: (d) => {
      put(d, ['spec', 'resolution'], 'DNS');
      return [...put(d, ['spec', 'addresses'], ['10.0.0.0/8']), 0];
    },
  },
  { reason: 'an unknown protocol', apply: (d) => put(d, ['spec', 'ports', 0, 'protocol'], 'SMTP') },
  { reason: 'port number 0', apply: (d) => put(d, ['spec', 'ports', 0, 'number'], 0) },
  { reason: 'an unknown resolution', apply: (d) => put(d, ['spec', 'resolution'], 'MAGIC') },
  {
    reason: 'workloadSelector and endpoints together',
    apply: (d) => {
      put(d, ['spec', 'resolution'], 'STATIC');
      put(d, ['spec', 'endpoints'], [{ address: '192.0.2.1' }]);
      return put(d, ['spec', 'workloadSelector'], { labels: { app: 'api' } });
    },
  },
];

/** An endpoint address no generated scenario uses as a key, so the broken entry is the only one there. */
const BAD = '192.0.2.254';
const badEndpoint =
  (entry: object, ...field: Array<string | number>) =>
  (d: Doc) => [...put(d, ['spec', 'endpoints', BAD], entry), ...field];

const SCENARIO: readonly Mutation[] = [
  {
    reason: 'p99 under the median',
    apply: badEndpoint({ latency: { median: '50ms', p99: '10ms' } }, 'latency', 'p99'),
  },
  {
    reason: 'status 600',
    apply: badEndpoint({ errors: [{ status: 600, rate: 0.1 }] }, 'errors', 0, 'status'),
  },
  { reason: 'an unknown connect behaviour', apply: badEndpoint({ connect: 'timeout' }, 'connect') },
  {
    reason: 'a tlsReason without connect: tlsError',
    apply: badEndpoint({ tlsReason: 'HANDSHAKE_FAILURE' }, 'tlsReason'),
  },
  { reason: 'an unknown endpoint field', apply: badEndpoint({ retries: 3 }, 'retries') },
  { reason: 'a queue without concurrency', apply: badEndpoint({ queue: { size: 5 } }, 'queue') },
  {
    reason: 'rps and clients together',
    apply: (d) => [...push(d, ['spec', 'traffic'], { host: 'a.example.com', rps: 5, clients: 2 }), 'clients'],
  },
  {
    reason: 'bursts longer than their period',
    apply: (d) => [
      ...push(d, ['spec', 'traffic'], {
        host: 'a.example.com',
        rps: 5,
        bursts: { every: '1s', length: '2s', rps: 9 },
      }),
      'bursts',
      'length',
    ],
  },
  {
    reason: 'a traffic index past the end',
    apply: (d) => {
      const count = ((objectAt(d, ['spec']).traffic as unknown[] | undefined) ?? []).length;
      return [...push(d, ['spec', 'timeline'], { at: '1m', traffic: count + 5, set: { rps: 1 } }), 'traffic'];
    },
  },
  {
    reason: 'a patch that changes nothing',
    apply: (d) => [...push(d, ['spec', 'timeline'], { at: '1m', endpoint: BAD, set: {} }), 'set'],
  },
  {
    reason: 'becomes on a dns target',
    apply: (d) => [
      ...push(d, ['spec', 'timeline'], { at: '1m', dns: 'a.example.com', becomes: { answers: [] } }),
      'becomes',
    ],
  },
  { reason: 'a duration in words', apply: (d) => put(d, ['spec', 'duration'], 'ten minutes') },
  { reason: 'an unquoted istioVersion', apply: (d) => put(d, ['spec', 'proxy', 'istioVersion'], 1.2) },
  { reason: 'a negative seed', apply: (d) => put(d, ['spec', 'seed'], -1) },
  { reason: 'a wrong apiVersion', apply: (d) => put(d, ['apiVersion'], 'meshsim.dev/v1') },
];

/**
 * Documents with exactly one deliberate mistake each, for validator tests: the loader must reject
 * the document with an error at `path`. Shrinking keeps the mistake and drops everything else.
 */
export const invalid = {
  destinationRule: (): Arbitrary<InvalidDocument> => invalidOf(destinationRule(), DESTINATION_RULE),
  virtualService: (): Arbitrary<InvalidDocument> => invalidOf(virtualService(), VIRTUAL_SERVICE),
  serviceEntry: (): Arbitrary<InvalidDocument> => invalidOf(serviceEntry(), SERVICE_ENTRY),
  scenario: (): Arbitrary<InvalidDocument> => invalidOf(scenarioDocument(), SCENARIO),
};
