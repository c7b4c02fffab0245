// A property test a platform team would keep next to its DestinationRules: whatever outlier
// settings and endpoint failures we throw at it, Envoy never ejects more hosts than
// maxEjectionPercent allows, under the rule of the Istio version we run; and, in the run's event
// trace, no request goes to an ejected host outside panic and every request ends once within Istio's
// default retries. Public API only.
import { simulate, type TraceEvent } from '@meshsim/core';
import { scenario, toSimulationSpec, toYaml, traffic } from '@meshsim/scenarios';
import { outlierDetection, runnableEndpoint } from '@meshsim/scenarios/arbitraries';
import {
  assertInvariants,
  attemptsWithinRetries,
  ejectionsWithinMaxEjectionPercent,
  everyRequestEndsOnce,
  maxEjectedHosts,
  noRequestToEjectedHost,
} from '@meshsim/scenarios/invariants';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const HOST = 'orders.partner.example';
const CLUSTER = `outbound|80||${HOST}`;

/** A STATIC ServiceEntry of `hosts` endpoints and a DestinationRule with `outlier`, as we would apply them. */
function config(hosts: number, outlier: object): string {
  return toYaml(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        hosts: [HOST],
        location: 'MESH_EXTERNAL',
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        resolution: 'STATIC',
        endpoints: Array.from({ length: hosts }, (_, i) => ({ address: `192.0.2.${i + 1}` })),
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: { host: HOST, trafficPolicy: { outlierDetection: outlier } },
    },
  );
}

const cases = fc.record({
  hosts: fc.integer({ min: 1, max: 8 }),
  // Any outlierDetection Istio accepts (custom error codes are not simulated, so left out).
  outlier: outlierDetection().map(({ outlierDetectionHttpErrorCodes: _, ...simulated }) => simulated),
  // What each endpoint does: healthy, slow, failing with any status mix, refusing, black-holed, resetting.
  behaviours: fc.array(runnableEndpoint(), { minLength: 8, maxLength: 8 }),
  // Istio 1.19 (Envoy 1.27) changed the rule: before it, the share before the ejection had to be under the cap.
  istioVersion: fc.constantFrom('1.18', '1.22', '1.28'),
  rps: fc.integer({ min: 20, max: 200 }),
  seed: fc.nat(),
});

describe('maxEjectionPercent over random DestinationRules and failures', () => {
  it('ejections never exceed what maxEjectionPercent allows', () => {
    let ejecting = 0;
    let capped = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const world = scenario({
          seed: c.seed,
          duration: '20s',
          proxy: { namespace: 'shop', istioVersion: c.istioVersion },
          endpoints: Object.fromEntries(
            c.behaviours.slice(0, c.hosts).map((b, i) => [`192.0.2.${i + 1}`, b]),
          ),
          traffic: traffic.poisson({ host: HOST, port: 80, rps: c.rps }),
        });
        const trace: TraceEvent[] = [];
        const report = simulate(toSimulationSpec(world, config(c.hosts, c.outlier)), {
          trace: (e) => trace.push(e),
        });
        // No VirtualService: every version here retries twice by default.
        assertInvariants(
          trace,
          everyRequestEndsOnce({ unfinished: report.unfinished }),
          attemptsWithinRetries({ retries: 2 }),
          noRequestToEjectedHost(),
        );
        // Istio passes maxEjectionPercent on only when it is above 0; otherwise Envoy's default, 10 %.
        const max = c.outlier.maxEjectionPercent || 10;
        const rule = c.istioVersion === '1.18' ? 'legacy' : 'current';
        assertInvariants(report, ejectionsWithinMaxEjectionPercent({ maxEjectionPercent: max, rule }));
        const allowed = maxEjectedHosts(c.hosts, max, rule);
        const ejectedAtOnce = Math.max(0, ...report.timeline.map((t) => t.ejectedHosts));
        expect(ejectedAtOnce).toBeLessThanOrEqual(allowed);
        const stats = report.clusters[CLUSTER]!.stats;
        if (ejectedAtOnce > 0) ejecting++;
        if ((stats['outlier_detection.ejections_overflow'] ?? 0) > 0) capped++;
      }),
      { numRuns: 200, seed: 8_2026 },
    );
    // Not vacuous: the generated failures do eject hosts, and do run into the cap.
    expect(ejecting).toBeGreaterThanOrEqual(20);
    expect(capped).toBeGreaterThanOrEqual(20);
  });
});
