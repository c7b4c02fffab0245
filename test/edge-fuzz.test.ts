import { ConfigError, type Report, simulate } from '@meshsim/core';
import { duration, httpRetry, runnableSimulation } from '@meshsim/scenarios/arbitraries';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Document, parseAllDocuments } from 'yaml';

/**
 * The project's runnable simulations pushed to their edges (retries up to 50 attempts and beyond with
 * 1ms per try, outlier sweeps and flaps every millisecond, rates up to 10^9 per second, runs up to Go's
 * longest duration, requests into black holes), sometimes with one field mutated past its range. Every
 * case ends as a report (complete, or partial with its cause) or as a ConfigError: never another
 * exception (the CLI's exit 70), and memory stays bounded. A few dozen cases by default; set
 * MESHSIM_FUZZ_RUNS=10000 for the full run.
 */
const RUNS = Number(process.env.MESHSIM_FUZZ_RUNS ?? 20);
/** Far under V8's heap limit: a case that leaked or ran away would cross it long before an OOM. */
const HEAP_BOUND_BYTES = 1024 * 1024 * 1024;
const GO_MAX_DURATION = '2562047h';

const edges = fc.record({
  retries: fc.option(
    fc.oneof(
      fc.constant({ attempts: 50, perTryTimeout: '1ms', retryOn: '5xx,reset,connect-failure' }),
      httpRetry(),
    ),
    { nil: undefined },
  ),
  interval: fc.option(duration({ minMs: 1, maxMs: 5 }), { nil: undefined }),
  rps: fc.option(fc.constantFrom(1e9, 1e6, 5e-324, 1e-9), { nil: undefined }),
  timelineRps: fc.option(fc.constantFrom(1e9, 1e7, 5e-324), { nil: undefined }),
  duration: fc.option(
    fc.oneof(fc.constantFrom(GO_MAX_DURATION, '876000h', '1h'), duration({ minMs: 1, maxMs: 3_600_000 })),
    { nil: undefined },
  ),
  flapMs: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  blackhole: fc.boolean(),
  maxRequestsInFlight: fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined }),
  // Bounds each case's work, so ten thousand of them take minutes; the budget's own checks still run.
  maxEvents: fc.integer({ min: 1, max: 20_000 }),
  mutation: fc.option(
    fc.tuple(
      fc.nat(),
      fc.constantFrom<unknown>(0, -1, 1e308, 2 ** 53 + 1, null, '1ms', GO_MAX_DURATION, '9999999999h', ''),
    ),
    { nil: undefined, freq: 3 },
  ),
});
type Edges = typeof edges extends fc.Arbitrary<infer T> ? T : never;

const HOST = 'api.example.com';

function documentOf(docs: Document[], kind: string, make: () => unknown): Document {
  const found = docs.find((d) => d.get('kind') === kind);
  if (found !== undefined) return found;
  const [created] = parseAllDocuments(JSON.stringify(make())) as Document[];
  docs.push(created!);
  return created!;
}

/** Every path to a scalar of a document, for a mutation to pick from. */
function scalarPaths(node: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(node)) return node.flatMap((item, i) => scalarPaths(item, [...prefix, i]));
  if (node !== null && typeof node === 'object')
    return Object.entries(node).flatMap(([key, item]) => scalarPaths(item, [...prefix, key]));
  return [prefix];
}

/** The generated YAML with the edges applied. */
function pushedToEdges(config: string, e: Edges): string {
  const docs = parseAllDocuments(config) as Document[];
  const scenario = documentOf(docs, 'Scenario', () => ({}));
  if (e.retries !== undefined) {
    documentOf(docs, 'VirtualService', () => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'api', namespace: 'default' },
      spec: { hosts: [HOST], http: [{ route: [{ destination: { host: HOST } }], retries: e.retries }] },
    }));
  }
  if (e.interval !== undefined) {
    const dr = documentOf(docs, 'DestinationRule', () => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'api', namespace: 'default' },
      spec: { host: HOST, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1 } } },
    }));
    dr.setIn(['spec', 'trafficPolicy', 'outlierDetection', 'interval'], e.interval);
    dr.setIn(['spec', 'trafficPolicy', 'outlierDetection', 'baseEjectionTime'], e.interval);
  }
  if (e.rps !== undefined) scenario.setIn(['spec', 'traffic', 0, 'rps'], e.rps);
  if (e.duration !== undefined) scenario.setIn(['spec', 'duration'], e.duration);
  if (e.timelineRps !== undefined)
    scenario.setIn(['spec', 'timeline'], [{ at: '1ms', traffic: 0, set: { rps: e.timelineRps } }]);
  const star: Record<string, unknown> = {};
  if (e.flapMs !== undefined) star.flap = { period: `${e.flapMs}ms`, duty: 0.5 };
  if (e.blackhole) star.connect = 'blackhole';
  if (Object.keys(star).length > 0) scenario.setIn(['spec', 'endpoints', '*'], star);
  const limits = {
    maxEvents: e.maxEvents,
    ...(e.maxRequestsInFlight ? { maxRequestsInFlight: e.maxRequestsInFlight } : {}),
  };
  scenario.setIn(['spec', 'limits'], limits);
  const text = docs.map(String).join('---\n');
  return e.mutation === undefined ? text : mutated(text, e.mutation);
}

/** One scalar of one document (picked by `pick`) replaced by `value`. */
function mutated(config: string, [pick, value]: [number, unknown]): string {
  const docs = parseAllDocuments(config) as Document[];
  const target = docs[pick % docs.length]!;
  const paths = scalarPaths(target.toJS());
  if (paths.length > 0) target.setIn(paths[pick % paths.length]!, value);
  return docs.map(String).join('---\n');
}

/** The run's outcome: a report, or the ConfigError's diagnostics; anything else is thrown on. */
function outcomeOf(config: string): Report | ConfigError {
  try {
    return simulate({ config: { file: 'edge.yaml', text: config } });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

describe('configs pushed to their edges', () => {
  it(`end as a report (maybe partial) or a ConfigError, in bounded memory (${RUNS} cases)`, () => {
    const counts = { complete: 0, partial: 0, configError: 0 };
    fc.assert(
      fc.property(runnableSimulation(), edges, ({ config }, e) => {
        const outcome = outcomeOf(pushedToEdges(config, e));
        if (outcome instanceof ConfigError) {
          counts.configError++;
          expect(outcome.diagnostics.some((d) => d.severity === 'error' && d.file !== '')).toBe(true);
        } else if (outcome.partial !== undefined) {
          counts.partial++;
          expect(['event-budget', 'in-flight-limit']).toContain(outcome.partial.cause);
          expect(outcome.partial.message).not.toBe('');
        } else {
          counts.complete++;
          expect(Number.isFinite(outcome.client.total)).toBe(true);
        }
        expect(process.memoryUsage().heapUsed).toBeLessThan(HEAP_BOUND_BYTES);
      }),
      { numRuns: RUNS, seed: Number(process.env.MESHSIM_FUZZ_SEED ?? 1) },
    );
    if (RUNS >= 1000) console.log(`edge fuzz, ${RUNS} cases:`, counts);
    // Each outcome occurs: the edges reach the partial path and the validator, not only clean runs.
    expect(Math.min(counts.complete, counts.partial, counts.configError)).toBeGreaterThan(0);
  });
});
