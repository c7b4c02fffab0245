import { readFileSync } from 'node:fs';
import { simulate } from '@meshsim/core';
import { ejectionsWithinMaxEjectionPercent, limitsFromConfig } from '@meshsim/scenarios/invariants';
import '@meshsim/scenarios/vitest';
import { expect, it } from 'vitest';

// examples/flaky-api.yaml: one endpoint of three answers 503 to 30 % of requests, and the
// DestinationRule ejects a host after 5 consecutive 5xx (at most 50 % of them, 30 s at first).
const spec = { config: readFileSync('examples/flaky-api.yaml', 'utf8'), strict: true };

it('ejects the flaky endpoint within seconds and keeps the error rate under our 5 % budget', () => {
  const report = simulate(spec);
  expect(report).toEject('192.0.2.20', { within: '10s' });
  expect(report).not.toEject('192.0.2.10');
  expect(report).toHaveErrorRateBelow(0.05);
  expect(report).toHaveLatencyBelow('p99', '250ms');
  // The limits as Istio hands them to Envoy: maxEjectionPercent 50 of 3 hosts ejects one at a time.
  expect(report).toSatisfyInvariants(ejectionsWithinMaxEjectionPercent(limitsFromConfig(spec)));
});
