import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { HTTPRoute } from '../config/resources/schema/http-route.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { writtenMirrors } from '../config/translate/mirror-policies.js';
import type { RouteModel } from '../envoy/route.js';
import { byDefault, type Explained, setAt } from './values.js';

/**
 * The route's mirror policies beside what was written: the model keeps one per written mirror with a
 * share, in order, so the two lists pair up. A cluster the sidecar lacks shows as its host.
 */
export function explainMirrors(
  model: RouteModel,
  r: HTTPRoute,
  vs: Located<VirtualService>,
  at: FieldPath,
  clusterName: (index: number) => string,
): Array<{ cluster: string; percent: Explained<number> }> {
  const policies = model.mirrors ?? [];
  return writtenMirrors(r, at).flatMap((w, i) => {
    const policy = policies[i];
    if (policy === undefined) return [];
    const percent = policy.perMillion / 10000;
    const cluster =
      policy.cluster >= 0
        ? clusterName(policy.cluster)
        : `${w.destination.host} (no such cluster: nothing sent)`;
    return [
      {
        cluster,
        percent:
          w.percentPath === null
            ? byDefault(percent, 'Istio default', 'no percentage: every request')
            : setAt(vs, w.percentPath, percent),
      },
    ];
  });
}
