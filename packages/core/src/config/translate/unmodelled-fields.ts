import type { DestinationRule } from '../resources/schema/destination-rule.js';
import type { ServiceEntry } from '../resources/schema/service-entry.js';
import type { ReportAt } from './report-at.js';

/** A traffic policy's tunnel and proxyProtocol (the subset's own replaces the DestinationRule's): not modelled. */
export function warnUnmodelledTrafficPolicy(
  dr: DestinationRule | undefined,
  subsetIndex: number,
  drAt: ReportAt,
): void {
  const subsetPolicy = subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex]?.trafficPolicy : undefined;
  for (const field of ['tunnel', 'proxyProtocol'] as const) {
    if (subsetPolicy?.[field] !== undefined) {
      drAt(
        ['spec', 'subsets', subsetIndex, 'trafficPolicy', field],
        'warning',
        'parsed but not modelled yet',
      );
    } else if (dr?.spec.trafficPolicy?.[field] !== undefined) {
      drAt(['spec', 'trafficPolicy', field], 'warning', 'parsed but not modelled yet');
    }
  }
}

/** The ServiceEntry fields that would shape the cluster in Istio but not in meshsim. */
export function warnUnmodelledServiceEntry(se: ServiceEntry, seAt: ReportAt): void {
  if ((se.spec.addresses ?? []).length > 0) {
    seAt(
      ['spec', 'addresses'],
      'warning',
      'not modelled: meshsim addresses traffic by host name (Istio matches TCP listeners on these)',
    );
  }
  if (se.spec.workloadSelector !== undefined) {
    seAt(['spec', 'workloadSelector'], 'warning', 'not modelled yet: selected workloads give no endpoints');
  }
  if (se.spec.location === 'MESH_INTERNAL') {
    seAt(
      ['spec', 'location'],
      'warning',
      'MESH_INTERNAL is not modelled: no automatic mTLS to the endpoints',
    );
  }
}
