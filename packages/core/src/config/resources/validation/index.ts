import type { ObjectMeta } from '../schema/common.js';
import type { DestinationRule } from '../schema/destination-rule.js';
import type { ServiceEntry } from '../schema/service-entry.js';
import type { Sidecar } from '../schema/sidecar.js';
import type { VirtualService } from '../schema/virtual-service.js';
import { checkDestinationRule } from './destination-rule-rules.js';
import { type RuleProblem, RuleReport } from './report.js';
import { checkServiceEntry } from './service-entry-rules.js';
import { checkSidecar } from './sidecar-rules.js';
import { checkVirtualService } from './virtual-service-rules.js';

export { CRD_SCHEMA_RULE, type RuleProblem, WEBHOOK_RULE } from './report.js';
export { invalidRetryOnEntries, RETRY_ON_POLICIES } from './retry-on.js';

export type IstioResource =
  | { kind: 'ServiceEntry'; resource: ServiceEntry }
  | { kind: 'DestinationRule'; resource: DestinationRule }
  | { kind: 'VirtualService'; resource: VirtualService }
  | { kind: 'Sidecar'; resource: Sidecar };

const DRY_RUN = 'istio.io/dry-run';
/** Annotations only istiod itself may set; the webhook rejects any object carrying them. */
const RESERVED = [
  'internal.istio.io/webhook-always-reject',
  'internal.istio.io/parent-namespace',
  'internal.istio.io/parents',
];

/** istiod's validateMetadata, which runs before any kind's own rules and stops them on error. */
function checkMetadata(report: RuleReport, meta: ObjectMeta): boolean {
  const annotations = meta.annotations ?? {};
  if (DRY_RUN in annotations) {
    report.error(
      ['metadata', 'annotations', DRY_RUN],
      `${meta.namespace}/${meta.name} has unsupported annotation ${DRY_RUN}, please remove the annotation`,
    );
    return false;
  }
  const reserved = RESERVED.find((key) => key in annotations);
  if (reserved === undefined) return true;
  const message = reserved.endsWith('always-reject')
    ? `"${reserved}" annotation found, rejecting`
    : `"${reserved}" annotation found, this may not be set by users`;
  report.error(['metadata', 'annotations', reserved], message);
  return false;
}

/**
 * What istiod's validating webhook says about a resource the CRD schema has already accepted:
 * errors (the object is rejected) and warnings (printed by kubectl, the object is stored).
 */
export function webhookProblems(input: IstioResource): RuleProblem[] {
  const report = new RuleReport();
  if (!checkMetadata(report, input.resource.metadata)) return report.list();
  switch (input.kind) {
    case 'ServiceEntry':
      checkServiceEntry(report, input.resource);
      break;
    case 'DestinationRule':
      checkDestinationRule(report, input.resource);
      break;
    case 'VirtualService':
      checkVirtualService(report, input.resource);
      break;
    case 'Sidecar':
      checkSidecar(report, input.resource);
      break;
  }
  return report.list();
}
