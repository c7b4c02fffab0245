import type { RunPlan } from '../config/plan/run-plan.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

/** What the report was run from, so notes can name thresholds and point at the lines that set them. */
export interface ReportContext {
  plan: RunPlan;
  loaded: LoadedConfig;
}

/** Where the ServiceEntry declares the cluster's port protocol: file:line and the field. */
export function sePortField(loaded: LoadedConfig, model: TranslatedCluster): string {
  const se = loaded.serviceEntries.find(
    (x) => `${x.resource.metadata.namespace}/${x.resource.metadata.name}` === model.serviceEntry,
  );
  const i = se?.resource.spec.ports?.findIndex((p) => p.number === model.port) ?? -1;
  if (se === undefined || i < 0) return `ServiceEntry ${model.serviceEntry}`;
  const path = ['spec', 'ports', i, 'protocol'];
  return `${se.file}:${se.positionOf(path).line} ${formatPath(path)}`;
}

/** The DestinationRule a cluster was built with, by its `namespace/name`. */
export function drLocated(loaded: LoadedConfig, id: string | null): Located<DestinationRule> | undefined {
  if (id === null) return undefined;
  return loaded.destinationRules.find(
    (d) => `${d.resource.metadata.namespace}/${d.resource.metadata.name}` === id,
  );
}

/** `file:line path` of a DR field, or `Istio default` when the DR does not set it. */
export function drField(dr: Located<DestinationRule> | undefined, path: FieldPath, isSet: boolean): string {
  if (dr === undefined || !isSet) return 'Istio default';
  return `${dr.file}:${dr.positionOf(path).line} ${formatPath(path)}`;
}
