// A property test a platform team would keep next to its DestinationRules and VirtualServices: over
// random breakers, retries, outlier settings, localities and endpoint failures, the run's event trace
// keeps Envoy's promises. Every request ends exactly once, no request makes more than 1 + retries
// attempts, no request goes to an ejected host unless its priority is in panic, and connections stay
// within maxConnections except for a pool opening its first. Public API only.
import { simulate, type TraceEvent } from '@meshsim/core';
import { endpoint, scenario, toSimulationSpec, toYaml, traffic } from '@meshsim/scenarios';
import { runnableEndpoint } from '@meshsim/scenarios/arbitraries';
import {
  assertInvariants,
  attemptsWithinRetries,
  connectionsWithinBreaker,
  everyRequestEndsOnce,
  noRequestToEjectedHost,
} from '@meshsim/scenarios/invariants';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const HOST = 'inventory.partner.example';
const HERE = 'us-east-1/us-east-1a';
const THERE = 'eu-west-1/eu-west-1a';

const cases = fc.record({
  // Each endpoint in our region or another: with outlierDetection set, Istio makes them priorities.
  localities: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
  // Any behaviour simulate() runs, and often a hard-failing one, so that hosts get ejected.
  behaviours: fc.array(
    fc.oneof(runnableEndpoint(), fc.constant(endpoint.failing({ status: 503, rate: 0.9 }))),
    { minLength: 5, maxLength: 5 },
  ),
  maxConnections: fc.integer({ min: 1, max: 4 }),
  http1MaxPendingRequests: fc.integer({ min: 1, max: 16 }),
  maxRequestsPerConnection: fc.integer({ min: 0, max: 3 }),
  consecutive5xxErrors: fc.integer({ min: 1, max: 5 }),
  baseEjectionTime: fc.constantFrom('1s', '2s', '30s'),
  // Often 100 and high, so that ejections can take a priority under minHealthPercent (panic).
  maxEjectionPercent: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })),
  minHealthPercent: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 50, max: 100 }),
    fc.integer({ min: 0, max: 100 }),
  ),
  retries: fc.integer({ min: 0, max: 3 }),
  workers: fc.integer({ min: 1, max: 2 }),
  rps: fc.integer({ min: 20, max: 150 }),
  seed: fc.nat(),
});
type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

function config(c: Case, port = { number: 80, name: 'http', protocol: 'HTTP' }): string {
  return toYaml(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'inventory', namespace: 'shop' },
      spec: {
        hosts: [HOST],
        location: 'MESH_EXTERNAL',
        ports: [port],
        resolution: 'STATIC',
        endpoints: c.localities.map((here, i) => ({
          address: `192.0.2.${i + 1}`,
          locality: here ? HERE : THERE,
        })),
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'inventory', namespace: 'shop' },
      spec: {
        host: HOST,
        trafficPolicy: {
          connectionPool: {
            tcp: { maxConnections: c.maxConnections },
            http: {
              http1MaxPendingRequests: c.http1MaxPendingRequests,
              maxRequestsPerConnection: c.maxRequestsPerConnection,
            },
          },
          outlierDetection: {
            consecutive5xxErrors: c.consecutive5xxErrors,
            interval: '1s',
            baseEjectionTime: c.baseEjectionTime,
            maxEjectionPercent: c.maxEjectionPercent,
            minHealthPercent: c.minHealthPercent,
          },
        },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'inventory', namespace: 'shop' },
      spec: {
        hosts: [HOST],
        http: [
          {
            route: [{ destination: { host: HOST } }],
            // Istio's webhook refuses retry settings beside `attempts: 0` (retries off).
            retries:
              c.retries === 0
                ? { attempts: 0 }
                : { attempts: c.retries, retryOn: '5xx,reset,connect-failure', perTryTimeout: '2s' },
          },
        ],
      },
    },
  );
}

describe('the event trace over random breakers, retries and ejections', () => {
  it('every trace invariant holds', () => {
    let panicToEjected = 0;
    let overLimit = 0;
    let allRetriesUsed = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const world = scenario({
          seed: c.seed,
          duration: '5s',
          proxy: { namespace: 'shop', workers: c.workers, locality: HERE },
          endpoints: Object.fromEntries(c.localities.map((_, i) => [`192.0.2.${i + 1}`, c.behaviours[i]!])),
          traffic: traffic.poisson({ host: HOST, port: 80, rps: c.rps }),
        });
        const trace: TraceEvent[] = [];
        const report = simulate(toSimulationSpec(world, config(c)), { trace: (e) => trace.push(e) });
        assertInvariants(
          trace,
          everyRequestEndsOnce({ unfinished: report.unfinished }),
          attemptsWithinRetries({ retries: c.retries }),
          noRequestToEjectedHost(),
          connectionsWithinBreaker({ maxConnections: c.maxConnections }),
        );
        // What made the run interesting, so the property is known not to hold vacuously.
        const ejected = new Set<string>();
        const attempts = new Map<number, number>();
        let open = 0;
        let sawPanic = false;
        let sawOver = false;
        for (const e of trace) {
          if (e.type === 'eject') ejected.add(e.host);
          else if (e.type === 'uneject') ejected.delete(e.host);
          else if (e.type === 'attempt') {
            attempts.set(e.request, (attempts.get(e.request) ?? 0) + 1);
            if (e.panic === true && ejected.has(e.host)) sawPanic = true;
          } else if (e.type === 'cx-open' && ++open > c.maxConnections) sawOver = true;
          else if (e.type === 'cx-close') open--;
        }
        if (sawPanic) panicToEjected++;
        if (sawOver) overLimit++;
        if (c.retries > 0 && [...attempts.values()].includes(1 + c.retries)) allRetriesUsed++;
      }),
      { numRuns: 200, seed: 8_2027 },
    );
    // Not vacuous: panic sends requests to ejected hosts, pools open their first connection over the
    // limit, and requests use every retry they have, each in a good share of the runs.
    expect(panicToEjected).toBeGreaterThanOrEqual(20);
    expect(overLimit).toBeGreaterThanOrEqual(50);
    expect(allRetriesUsed).toBeGreaterThanOrEqual(50);
  });

  it('on a tcp-proxied port (HTTPS, TCP) too, where maxConnections is a hard limit for every pool', () => {
    let ejections = 0;
    let atLimit = 0;
    fc.assert(
      fc.property(
        cases,
        fc.constantFrom('HTTPS', 'TCP'),
        fc.boolean(),
        fc.array(fc.constantFrom<'ok' | 'refuse' | 'blackhole'>('ok', 'ok', 'refuse', 'blackhole'), {
          minLength: 5,
          maxLength: 5,
        }),
        (c, protocol, keepAlive, connects) => {
          const world = scenario({
            seed: c.seed,
            duration: '5s',
            proxy: { namespace: 'shop', workers: c.workers, locality: HERE },
            endpoints: Object.fromEntries(
              c.localities.map((_, i) => [
                `192.0.2.${i + 1}`,
                { ...c.behaviours[i]!, connect: connects[i]! },
              ]),
            ),
            traffic: traffic.poisson({ host: HOST, port: 443, rps: c.rps, keepAlive }),
          });
          const port = { number: 443, name: protocol.toLowerCase(), protocol };
          const trace: TraceEvent[] = [];
          const report = simulate(toSimulationSpec(world, config(c, port)), { trace: (e) => trace.push(e) });
          assertInvariants(
            trace,
            everyRequestEndsOnce({ unfinished: report.unfinished }),
            // The http routes never run here: a request makes at most its connection's one attempt.
            attemptsWithinRetries({ retries: 0 }),
            noRequestToEjectedHost(),
            connectionsWithinBreaker({ maxConnections: c.maxConnections }),
          );
          // tcp_proxy checks the breaker before its pool: never one connection over, not even a first.
          let open = 0;
          let peak = 0;
          for (const e of trace) {
            if (e.type === 'cx-open') peak = Math.max(peak, ++open);
            else if (e.type === 'cx-close') open--;
            else if (e.type === 'eject') ejections++;
          }
          expect(peak).toBeLessThanOrEqual(c.maxConnections);
          if (peak === c.maxConnections) atLimit++;
        },
      ),
      { numRuns: 200, seed: 8_2028 },
    );
    // Not vacuous: refused connects eject hosts, and the breaker is reached, in many runs.
    expect(ejections).toBeGreaterThanOrEqual(20);
    expect(atLimit).toBeGreaterThanOrEqual(50);
  });
});
