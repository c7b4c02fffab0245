import { isDns1123Label } from './hosts.js';
import type { RuleReport } from './report.js';

/**
 * Istio's validateExportTo: `.`, `*`, `~` (ServiceEntry only) or a namespace; no duplicates
 * (`.` counts as the resource's own namespace); `*` and `~` only alone.
 */
export function checkExportTo(
  report: RuleReport,
  namespace: string,
  exportTo: readonly string[] | undefined,
  options: { serviceEntry: boolean; workloadSelector: boolean },
): void {
  if (exportTo === undefined || exportTo.length === 0) return;
  const seen = new Set<string>();
  exportTo.forEach((entry, i) => {
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      report.error(
        [i],
        key !== entry
          ? `duplicate entries in exportTo: . and current namespace ${namespace}`
          : `duplicate entries in exportTo for entry ${entry}`,
      );
      return;
    }
    if (options.serviceEntry && entry === '~') {
      seen.add(key);
      return;
    }
    if (key === '~') report.error([i], 'exportTo ~ (none) is not allowed for Istio configuration objects');
    else if (key !== '.' && key !== '*' && !isDns1123Label(key))
      report.error([i], 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
    else seen.add(key);
  });
  if (options.workloadSelector && seen.size > 0) {
    if (!seen.has(namespace)) {
      report.error(
        [],
        'destination rule with workload selector cannot have exportTo beyond current namespace',
      );
    } else if (seen.size > 1) {
      report.error([], 'destination rule with workload selector cannot have multiple entries in exportTo');
    }
  }
  if (seen.has('*') && exportTo.length > 1) {
    report.error([], 'cannot have both public (*) and non-public exportTo values for a resource');
  }
  if (seen.has('~') && exportTo.length > 1)
    report.error([], 'cannot export service entry to no one (~) and someone');
}
