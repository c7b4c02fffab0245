import type { CircuitBreakerThresholds } from '../../envoy/circuit-breakers.js';
import type { FieldPath } from '../resources/positions.js';
import type { DestinationRule } from '../resources/schema/destination-rule.js';

/**
 * applyRetryBudget: a subset's budget replaces the DestinationRule's; Istio fills 20 % and 3. Also where
 * the budget was written, null when unset.
 */
export function applyRetryBudget(
  dr: DestinationRule | undefined,
  subsetIndex: number,
): { budget: CircuitBreakerThresholds['retryBudget']; path: FieldPath | null } {
  const subsetBudget =
    subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex]?.trafficPolicy?.retryBudget : undefined;
  const budget = subsetBudget ?? dr?.spec.trafficPolicy?.retryBudget;
  const path: FieldPath | null =
    subsetBudget !== undefined
      ? ['spec', 'subsets', subsetIndex, 'trafficPolicy', 'retryBudget']
      : budget !== undefined
        ? ['spec', 'trafficPolicy', 'retryBudget']
        : null;
  return {
    budget:
      budget === undefined
        ? undefined
        : { budgetPercent: budget.percent ?? 20, minRetryConcurrency: budget.minRetryConcurrency ?? 3 },
    path,
  };
}
