import type { DestinationRule } from '../schema/destination-rule.js';
import { checkExportTo } from './export-to.js';
import { isDns1123Label, validateWildcardDomain } from './hosts.js';
import { labelProblems } from './labels.js';
import type { RuleReport } from './report.js';
import { checkTrafficPolicy } from './traffic-policy-rules.js';

// istiod's ValidateDestinationRule (pkg/config/validation/validation.go).

export function subsetNameProblem(name: string): string | undefined {
  if (name === '') return 'subset name cannot be empty';
  return isDns1123Label(name) ? undefined : `subset name is invalid: ${name}`;
}

/** A selector's labels: no empty key, no `*` (the CRD says the same for matchLabels). */
export function checkSelectorLabels(
  report: RuleReport,
  labels: Readonly<Record<string, string>> | undefined,
): void {
  const entries = Object.entries(labels ?? {});
  for (const [key, value] of entries) {
    if (key === '') report.error([key], `empty key is not supported in selector: "=${value}"`);
    if (key.includes('*') || value.includes('*'))
      report.error([key], `wildcard is not supported in selector: "${key}=${value}"`);
  }
  if (entries.length === 0) report.warn([], 'workload selector specified without labels');
}

export function checkDestinationRule(report: RuleReport, dr: DestinationRule): void {
  const spec = dr.spec;
  const namespace = dr.metadata.namespace;
  const at = report.at('spec');
  at.check(['host'], validateWildcardDomain(spec.host));
  checkTrafficPolicy(at.at('trafficPolicy'), spec.trafficPolicy, namespace);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((subset, i) => {
    const here = at.at('subsets', i);
    if (names.has(subset.name)) here.error(['name'], `duplicate subset names: ${subset.name}`);
    names.add(subset.name);
    here.check(['name'], subsetNameProblem(subset.name));
    for (const [key, problem] of labelProblems(subset.labels)) here.error(['labels', key], problem);
    checkTrafficPolicy(here.at('trafficPolicy'), subset.trafficPolicy, namespace);
  });
  checkExportTo(at.at('exportTo'), namespace, spec.exportTo, {
    serviceEntry: false,
    workloadSelector: spec.workloadSelector !== undefined,
  });
  if (spec.workloadSelector !== undefined) {
    checkSelectorLabels(at.at('workloadSelector', 'matchLabels'), spec.workloadSelector.matchLabels);
  }
}
