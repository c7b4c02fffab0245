import { readFileSync } from 'node:fs';
import { simulate, type TraceEvent } from '@meshsim/core';
import {
  assertInvariants,
  attemptsWithinRetries,
  everyRequestEndsOnce,
  noRequestToEjectedHost,
} from '@meshsim/scenarios/invariants';

// examples/flaky-api.yaml, traced: one of three endpoints answers 503 to 30 % and is ejected now and then.
export const trace: TraceEvent[] = [];
export const report = simulate(
  { config: readFileSync('examples/flaky-api.yaml', 'utf8'), strict: true },
  { trace: (event) => trace.push(event) },
);

// Throws an InvariantError naming every violation (`violationsOf` lists them, `holds` says yes or no).
assertInvariants(
  trace,
  everyRequestEndsOnce({ unfinished: report.unfinished }),
  attemptsWithinRetries({ retries: 2 }), // Istio's default: 2 retries
  noRequestToEjectedHost(), // unless its priority was in panic
);
console.log(trace.filter((e) => e.type === 'eject').length); // ejections of 192.0.2.20
