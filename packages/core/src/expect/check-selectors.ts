import type { RunPlan } from '../config/plan/run-plan.js';
import type { ScenarioOrigin } from '../config/plan/scenario-diagnostics.js';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import { formatPath } from '../config/resources/positions.js';
import { closestField } from '../config/resources/schema/messages.js';
import type { Expectation } from '../config/resources/schema/scenario-expect.js';
import { BREAKER_GAUGES } from '../envoy/circuit-breakers.js';
import { Flag } from '../envoy/response-flags.js';
import type { Report } from '../observe/report.js';
import { hostMatches } from '../observe/report-figures.js';
import { clusterSelected, serviceHostOf } from './figures.js';

/** Reports a problem at a field of `spec.expect[i]`'s subject. */
type Problem = (i: number, e: Expectation, field: string, message: string) => void;

export function problemsAt(origin: ScenarioOrigin, diagnostics: Diagnostic[]): Problem {
  return (i, e, field, message) => {
    const path = ['spec', 'expect', i, e.kind, field];
    diagnostics.push({ severity: 'error', ...origin.locate(path), path: formatPath(path), message });
  };
}

const hint = (given: string, known: readonly string[]): string => {
  const close = closestField(given, known);
  return close === undefined ? '' : ` (did you mean ${close}?)`;
};

const listed = (names: readonly string[]): string =>
  names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} … (${names.length})`;

/** Before any run: clusters, response flags and breakers must be ones the run can have. */
export function checkBeforeRun(expectations: readonly Expectation[], plan: RunPlan, at: Problem): void {
  const clusters = plan.model.clusters.map((c) => c.name);
  const hosts = [...new Set(clusters.map(serviceHostOf))];
  const flags = Object.keys(Flag);
  expectations.forEach((e, i) => {
    const { cluster, name, breaker } = e.select;
    if (cluster !== undefined && !clusters.some((c) => clusterSelected(c, cluster))) {
      const message = `no cluster of this run is ${JSON.stringify(cluster)}${hint(cluster, [...clusters, ...hosts])}; its clusters: ${listed(clusters)}`;
      at(i, e, 'cluster', message);
    }
    if (e.kind === 'flag' && !flags.includes(name!)) {
      at(
        i,
        e,
        'name',
        `${name} is not an Envoy response flag${hint(name!, flags)}; flags: ${flags.join(', ')}`,
      );
    }
    if (breaker !== undefined && !(BREAKER_GAUGES as readonly string[]).includes(breaker)) {
      const message = `${breaker} is not a circuit_breakers.default gauge${hint(breaker, BREAKER_GAUGES)}; gauges: ${BREAKER_GAUGES.join(', ')}`;
      at(i, e, 'breaker', message);
    }
  });
}

/** After the first run: hosts and counters must be ones its report has. */
export function checkAfterRun(expectations: readonly Expectation[], report: Report, at: Problem): void {
  expectations.forEach((e, i) => {
    const clusters = Object.entries(report.clusters).filter(([c]) => clusterSelected(c, e.select.cluster));
    const { host, name } = e.select;
    if (host !== undefined) {
      const addresses = [...new Set(clusters.flatMap(([, c]) => c.hosts.map((h) => h.address)))];
      if (!addresses.some((a) => hostMatches(a, host))) {
        at(
          i,
          e,
          'host',
          `no host of the run is ${host}${hint(host, addresses)}; its hosts: ${listed(addresses)}`,
        );
      }
    }
    if (e.kind === 'counter') {
      const stats = [...new Set(clusters.flatMap(([, c]) => Object.keys(c.stats)))].sort();
      if (!stats.includes(name!)) {
        at(i, e, 'name', `no cluster of the run counts ${name}${hint(name!, stats)}`);
      }
    }
  });
}
