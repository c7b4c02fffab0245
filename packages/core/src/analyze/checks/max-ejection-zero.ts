import { valueAt } from '../../explain/values.js';
import { peakEjected } from '../../observe/report-figures.js';
import { type Check, pct } from '../check-context.js';
import { failing, playedText } from '../probe.js';
import { stat } from '../standard-probes.js';

/**
 * MSH0002. Istio writes max_ejection_percent only when maxEjectionPercent > 0 (applyOutlierDetection in
 * cluster_traffic_policy.go), so 0 leaves Envoy's default of 10 %: neither "no limit" nor "never eject".
 * The probe fails every host but one and counts how many Envoy lets out at once.
 */
export const maxEjectionZero: Check = (ctx) => {
  const { target } = ctx;
  const path = ctx.outlierPath('maxEjectionPercent');
  if (target.dr === undefined || target.model.outlierDetection === null) return [];
  if (valueAt(target.dr.resource, path) !== 0) return [];
  const bad = target.addresses.slice(0, Math.max(1, target.addresses.length - 1));
  const setup = {
    name: 'every endpoint but one failing',
    duration: '5s',
    endpoints: Object.fromEntries(bad.map((a) => [a, failing(target)])),
  };
  const { report } = ctx.probe(setup);
  const cluster = report.clusters[target.model.name];
  if (cluster === undefined) return [];
  const hosts = cluster.hosts.length;
  const peak = peakEjected(cluster);
  const overflow = stat(cluster, 'outlier_detection.ejections_overflow');
  const probe = {
    name: setup.name,
    played: playedText(setup, `${bad.join(', ')} fail, the last endpoint is healthy`),
    figures: {
      hosts,
      failingHosts: bad.length,
      ejectedAtOnce: peak,
      'outlier_detection.ejections_overflow': overflow,
      clientErrorRate: pct(report.client.errorRate),
    },
  };
  return [
    ctx.finding('MSH0002', 'DestinationRule', target.dr, path, {
      message: `maxEjectionPercent: 0 is not sent to Envoy (Istio sets it only when above 0), so Envoy's default of 10 % caps ejections in ${target.model.name}: with ${bad.length} of ${hosts} hosts failing, the probe ejected at most ${peak} at once and Envoy refused ${overflow} ejection(s) (outlier_detection.ejections_overflow); the client saw ${probe.figures.clientErrorRate} errors`,
      probe,
      fix: 'write the cap you mean: 100 lets every failing host go (Envoy still keeps panic in mind), a value ≥ 100 / hosts lets one go; leaving the field out says the same as 0, plainly',
    }),
  ];
};
