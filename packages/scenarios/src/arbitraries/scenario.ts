import { formatDurationMs, planSimulation, type SimulationSpec } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { type ScenarioDocument, scenario } from '../scenario.js';
import { at, type EndpointChange, type TimelineEntry, type TimelineEntryData } from '../timeline.js';
import { toYaml } from '../yaml.js';
import { outlierDetection } from './destination-rule.js';
import { endpointBehaviour, runnableEndpoint } from './endpoint.js';
import {
  duration,
  hostname,
  ipv4,
  locality,
  nonEmpty,
  objectName,
  record,
  rps,
  someOf,
} from './primitives.js';
import { dnsRecord, type RateShapeInput, rateShape, trafficSource } from './traffic.js';

/** Where a scenario's names come from; each list absent means any value. */
export interface ScenarioConstraints {
  /** Upstream addresses for `endpoints` keys and endpoint timeline targets. */
  addresses?: readonly string[];
  /** Hosts for traffic and `dns`. */
  hosts?: readonly string[];
  /** Localities for locality timeline targets. */
  localities?: readonly string[];
}

const oneOfOr = (values: readonly string[] | undefined, fallback: Arbitrary<string>) =>
  values === undefined || values.length === 0 ? fallback : fc.constantFrom(...values);

/** A phase label: any non-empty text. */
export const phaseLabel = (): Arbitrary<string> =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 });

/** Highest traffic index a generated timeline entry names before it is folded into the scenario's range. */
const MAX_TRAFFIC_INDEX = 7;

/**
 * One timeline entry of any kind. Traffic entries name an index up to 7; `scenarioDocument`
 * folds it into its own traffic list.
 */
export function timelineEntry(constraints: ScenarioConstraints = {}): Arbitrary<TimelineEntry> {
  const when = duration({ maxMs: 3_600_000 });
  const target = (t: string, kind: 'endpoint' | 'locality', name: string): EndpointChange =>
    kind === 'endpoint' ? at(t).endpoint(name) : at(t).locality(name);
  const change = (kind: 'endpoint' | 'locality', name: Arbitrary<string>) =>
    fc.oneof(
      fc.tuple(when, name, endpointBehaviour()).map(([t, n, b]) => target(t, kind, n).becomes(b)),
      // A patch must change something; an empty behaviour (healthy()) becomes `connect: ok`.
      fc
        .tuple(when, name, endpointBehaviour())
        .map(([t, n, b]) => target(t, kind, n).set(Object.keys(b).length > 0 ? b : { connect: 'ok' })),
      fc.tuple(when, name).map(([t, n]) => target(t, kind, n).down()),
      fc.tuple(when, name).map(([t, n]) => target(t, kind, n).up()),
    );
  const host = oneOfOr(constraints.hosts, hostname());
  const entries = fc.oneof(
    change('endpoint', oneOfOr(constraints.addresses, ipv4())),
    change('locality', oneOfOr(constraints.localities, locality())),
    fc
      .tuple(when, host, fc.uniqueArray(ipv4(), { maxLength: 3 }))
      .map(([t, h, answers]) => at(t).dns(h).answers(answers)),
    fc.tuple(when, host, duration()).map(([t, h, ttl]) => at(t).dns(h).set({ ttl })),
    fc
      .tuple(when, fc.integer({ min: 0, max: MAX_TRAFFIC_INDEX }), rps())
      .map(([t, i, n]) => at(t).traffic(i).rps(n)),
    fc
      .tuple(
        when,
        fc.integer({ min: 0, max: MAX_TRAFFIC_INDEX }),
        rateShape(),
        someOf({ rps: rps(), arrivals: fc.constantFrom('poisson' as const, 'constant' as const) }),
      )
      .map(([t, i, shape, options]) =>
        at(t)
          .traffic(i)
          .set({ ...options, ...shape }),
      ),
    fc
      .tuple(when, fc.integer({ min: 0, max: MAX_TRAFFIC_INDEX }), fc.constantFrom('poisson', 'constant'))
      .map(([t, i, arrivals]) => at(t).traffic(i).set({ arrivals })),
    fc.tuple(when, phaseLabel()).map(([t, label]) => at(t).phase(label)),
  );
  return fc
    .tuple(entries, fc.option(phaseLabel(), { nil: undefined, freq: 4 }))
    .map(([entry, label]) => (label === undefined ? entry : entry.labelled(label)));
}

/** Traffic indices folded into `0..count-1`; traffic entries dropped when there is no traffic. */
function foldTrafficIndices(timeline: readonly TimelineEntryData[], count: number): TimelineEntryData[] {
  return timeline.flatMap((entry): TimelineEntryData[] => {
    if (!('traffic' in entry)) return [entry];
    return count === 0 ? [] : [{ ...entry, traffic: entry.traffic % count }];
  });
}

/**
 * A valid Scenario document of any shape the contract allows, built with the builders: endpoints,
 * DNS records, traffic of every kind and a timeline. Most of it cannot run yet (`simulate`
 * refuses what the engine does not model); it is for round trips and validator tests.
 */
export function scenarioDocument(constraints: ScenarioConstraints = {}): Arbitrary<ScenarioDocument> {
  const address = fc.oneof(
    { weight: 1, arbitrary: fc.constant('*') },
    { weight: 4, arbitrary: oneOfOr(constraints.addresses, ipv4()) },
  );
  return someOf({
    name: objectName(),
    seed: fc.nat(),
    duration: duration({ minMs: 1, maxMs: 86_400_000 }),
    proxy: someOf({
      namespace: objectName(),
      locality: locality(),
      workers: fc.integer({ min: 1, max: 16 }),
      istioVersion: fc.constantFrom('1.22', '1.24', '1.28'),
    }),
    network: record({ rtt: duration({ maxMs: 500 }) }),
    dns: fc
      .uniqueArray(fc.tuple(oneOfOr(constraints.hosts, hostname()), dnsRecord()), {
        maxLength: 2,
        selector: ([h]) => h,
      })
      .map((entries) => Object.fromEntries(entries)),
    endpoints: fc
      .uniqueArray(fc.tuple(address, endpointBehaviour()), { maxLength: 4, selector: ([a]) => a })
      .map((entries) => Object.fromEntries(entries)),
    traffic: fc.array(trafficSource({ hosts: constraints.hosts }), { maxLength: 3 }),
    timeline: fc.array(timelineEntry(constraints), { maxLength: 4 }),
  }).map(({ timeline, ...options }) =>
    scenario({
      ...options,
      ...(timeline === undefined
        ? {}
        : { timeline: foldTrafficIndices(timeline, options.traffic?.length ?? 0) }),
    }),
  );
}

/** A rate shape a few seconds' run sees several turns of, at rates a property test runs quickly. */
const shortShape = () => rateShape({ maxRps: 400, maxPeriodMs: 5000 });

/** A timeline entry changing traffic 0; with neither a shape nor a field, it sets the rate. */
function trafficChange(
  time: string,
  options: { rps?: number; arrivals?: 'poisson' | 'constant' },
  shape: RateShapeInput | undefined,
): TimelineEntry {
  const patch = { ...options, ...shape };
  return at(time)
    .traffic(0)
    .set(Object.keys(patch).length > 0 ? patch : { rps: 1 });
}

/**
 * What `simulate()` runs today, in configs Istio accepts without a warning: a STATIC ServiceEntry
 * of one to four endpoints on port 80, maybe a DestinationRule with the load balancers, circuit
 * breakers and outlier detection the engine models, and a few seconds of Poisson or evenly spaced
 * traffic, maybe in bursts, a ramp or a diurnal swing that a timeline entry may change, meeting
 * healthy, slow, failing, brownout, refusing, black-holed or resetting endpoints. The timeline entry
 * falls within the run, and the traffic brings at least one request (meshsim warns of either
 * otherwise). The YAML is in `config`, so a counterexample prints as the files a user would write.
 */
export function runnableSimulation(): Arbitrary<SimulationSpec & { config: string }> {
  const host = 'api.example.com';
  // Never empty: Istio refuses an empty trafficPolicy or connectionPool.
  const trafficPolicy = someOf({
    loadBalancer: record({ simple: fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM') }),
    connectionPool: someOf({
      tcp: someOf({
        maxConnections: fc.integer({ min: 1, max: 16 }),
        connectTimeout: duration({ minMs: 1, maxMs: 5000 }),
      }),
      http: someOf({
        http1MaxPendingRequests: fc.integer({ min: 1, max: 16 }),
        http2MaxRequests: fc.integer({ min: 1, max: 64 }),
      }),
    }).filter(nonEmpty),
    // outlierDetectionHttpErrorCodes is parsed but not simulated.
    outlierDetection: outlierDetection().map(
      ({ outlierDetectionHttpErrorCodes: _, ...modelled }) => modelled,
    ),
  }).filter(nonEmpty);
  return record({
    addresses: fc.uniqueArray(ipv4(), { minLength: 1, maxLength: 4 }),
    policy: fc.option(trafficPolicy, { nil: undefined }),
    behaviours: fc.array(runnableEndpoint(), { maxLength: 4 }),
    seed: fc.nat(),
    seconds: fc.integer({ min: 1, max: 5 }),
    rps: rps(200),
    // The rate's shape and spacing, and a timeline entry changing them mid-run, each maybe.
    shape: fc.option(shortShape(), { nil: undefined }),
    arrivals: fc.option(fc.constantFrom('poisson' as const, 'constant' as const), { nil: undefined }),
    change: fc.option(
      fc.tuple(
        fc.integer({ min: 0, max: 4999 }),
        someOf({ rps: rps(200), arrivals: fc.constantFrom('poisson' as const, 'constant' as const) }),
        fc.option(shortShape(), { nil: undefined }),
      ),
      { nil: undefined },
    ),
    workers: fc.integer({ min: 1, max: 4 }),
    rtt: fc.option(duration({ maxMs: 20 }), { nil: undefined }),
  })
    .map(
      ({
        addresses,
        policy,
        behaviours,
        seed,
        seconds,
        rps: rate,
        shape,
        arrivals,
        change,
        workers,
        rtt,
      }) => {
        const serviceEntry = {
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          metadata: { name: 'api', namespace: 'default' },
          spec: {
            hosts: [host],
            ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
            resolution: 'STATIC',
            endpoints: addresses.map((address) => ({ address })),
          },
        };
        const destinationRule =
          policy === undefined
            ? []
            : [
                {
                  apiVersion: 'networking.istio.io/v1',
                  kind: 'DestinationRule',
                  metadata: { name: 'api', namespace: 'default' },
                  spec: { host, trafficPolicy: policy },
                },
              ];
        const endpoints = Object.fromEntries(
          behaviours.slice(0, addresses.length).map((b, i) => [addresses[i], b]),
        );
        const document = scenario({
          name: 'generated',
          seed,
          duration: `${seconds}s`,
          proxy: { workers },
          ...(rtt === undefined ? {} : { network: { rtt } }),
          endpoints,
          traffic: [{ host, port: 80, rps: rate, ...shape, ...(arrivals === undefined ? {} : { arrivals }) }],
          ...(change === undefined ? {} : { timeline: [trafficChange(...withinRun(change, seconds))] }),
        });
        return { config: toYaml(serviceEntry, ...destinationRule, document) };
      },
    )
    .filter(bringsRequests);
}

/** A change's time folded into a run of `seconds`, so that it happens. */
function withinRun<T extends unknown[]>([ms, ...rest]: [number, ...T], seconds: number): [string, ...T] {
  return [formatDurationMs(ms % (seconds * 1000)), ...rest];
}

/** A slow rate (0.1 rps for a second, a diurnal trough) may bring less than one request: meshsim warns of it. */
const bringsRequests = (spec: { config: string }): boolean =>
  !(planSimulation(spec).plan?.warnings ?? []).some((w) => w.includes('the run may well send none'));
