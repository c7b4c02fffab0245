import type { Explanation } from './explain.js';
import { fieldTable, type Row } from './field-rows.js';
import type { ScenarioEndpointExplanation, ScenarioValue } from './scenario-endpoints.js';
import { wrapParagraph } from './text-layout.js';
import type { TrafficSourceExplanation } from './traffic-sources.js';

const rowsOf = (values: readonly ScenarioValue[]): Row[] =>
  values.map((v) => [v.field, v as never, (x: never) => x as string]);

/** The Scenario's endpoints and traffic as explain prints them, after the clusters and routes; none without a Scenario. */
export function scenarioSections(e: Explanation): string[] {
  return [
    ...(e.scenarioEndpoints === undefined ? [] : endpointsSection(e.scenarioEndpoints)),
    ...(e.traffic === undefined ? [] : trafficSection(e.traffic)),
  ];
}

function endpointsSection(endpoints: readonly ScenarioEndpointExplanation[]): string[] {
  const out = ['', 'Scenario endpoints (spec.endpoints)'];
  if (endpoints.length === 0)
    return [...out, '  none: every address is a healthy server that answers at once'];
  for (const ep of endpoints) {
    const where = `${ep.file}:${ep.line}`;
    const what =
      ep.address === '*'
        ? `Endpoint * (${where}): every address no entry names`
        : ep.values.every((v) => v.field.startsWith('timeline['))
          ? `Endpoint ${ep.address} (${where}): no entry, so as * until the timeline changes it`
          : `Endpoint ${ep.address} (${where})`;
    const reach = ep.clusters.length === 0 ? 'in no cluster explained here' : `in ${ep.clusters.join(', ')}`;
    out.push(...wrapParagraph(`${what}, ${reach}`, '  ', '    '));
    if (ep.values.length > 0) out.push(fieldTable(rowsOf(ep.values)));
  }
  if (!endpoints.some((ep) => ep.address === '*'))
    out.push('  Every other address: a healthy server that answers at once (no "*" entry)');
  return out;
}

function trafficSection(sources: readonly TrafficSourceExplanation[]): string[] {
  const out = ['', 'Traffic (spec.traffic)'];
  if (sources.length === 0) return [...out, '  none'];
  for (const t of sources) {
    const target = `${t.host}${t.port === null ? '' : `:${t.port}`}`;
    out.push(...wrapParagraph(`traffic[${t.index}] ${target} (${t.file}:${t.line})`, '  ', '    '));
    out.push(fieldTable(rowsOf(t.values)));
  }
  return out;
}
