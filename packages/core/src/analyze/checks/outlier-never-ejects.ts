import { type Check, type CheckContext, pct } from '../check-context.js';
import type { Finding } from '../finding.js';
import { playedText } from '../probe.js';
import { detections, failingText, hostFigures, oneEndpointFailing, stat } from '../standard-probes.js';

/**
 * MSH0001. Envoy ejects a host only while the cap allows it (`ejectHost` in outlier_detection_impl.cc:
 * since Envoy 1.27, 100 × (ejected + 1) / hosts ≤ maxEjectionPercent), so with few hosts a small cap lets
 * none out; and with every detector's enforcement off nothing is ever ejected. The probe fails one host
 * and looks at what Envoy did.
 */
export const outlierNeverEjects: Check = (ctx) => {
  const { target } = ctx;
  const od = target.model.outlierDetection;
  if (od === null || target.dr === undefined) return [];
  const setup = oneEndpointFailing(target);
  const { report } = ctx.probe(setup);
  const cluster = report.clusters[target.model.name];
  if (stat(cluster, 'outlier_detection.ejections_enforced_total') > 0) return [];
  const bad = hostFigures(cluster, target.addresses[0]!);
  if (bad.failed === 0) return [];
  const overflow = stat(cluster, 'outlier_detection.ejections_overflow');
  const hosts = cluster?.hosts.length ?? 0;
  const probe = {
    name: setup.name,
    played: playedText(setup, failingText(target)),
    figures: {
      hosts,
      failingHostFailures: bad.failed,
      'outlier_detection.ejections_overflow': overflow,
      'outlier_detection.ejections_enforced_total': 0,
      clientErrorRate: pct(report.client.errorRate),
    },
  };
  return overflow > 0
    ? [capFinding(ctx, probe, hosts, overflow)]
    : [noDetectorFinding(ctx, probe, bad.failed, detections(cluster))];
};

function capFinding(ctx: CheckContext, probe: Finding['probe'], hosts: number, overflow: number): Finding {
  const od = ctx.target.model.outlierDetection!;
  const rule =
    od.capRule === 'current'
      ? 'Envoy ejects only while 100 × (ejected + 1) / hosts ≤ maxEjectionPercent'
      : 'Envoy ejects only while 100 × ejected / hosts < maxEjectionPercent';
  const logical =
    ctx.target.model.type === 'LOGICAL_DNS'
      ? ' (DNS_ROUND_ROBIN: one logical host, whatever the name resolves to)'
      : '';
  const need = Math.ceil(100 / Math.max(1, hosts));
  return ctx.finding('MSH0001', 'DestinationRule', ctx.target.dr!, ctx.outlierPath('maxEjectionPercent'), {
    message: `outlier detection can never eject a host of ${ctx.target.model.name}: with ${hosts} host(s)${logical}, maxEjectionPercent ${od.maxEjectionPercent} lets none out (${rule}). In the probe the failing host failed ${probe.figures.failingHostFailures} requests, it was detected, and Envoy refused all ${overflow} ejection(s) (outlier_detection.ejections_overflow); the client saw ${probe.figures.clientErrorRate} errors`,
    probe,
    fix:
      hosts <= 1
        ? 'one host can only be ejected with maxEjectionPercent: 100, which leaves the cluster with no host at all (see MSH0007 for DNS_ROUND_ROBIN); prefer resolution DNS (one host per address) or retries'
        : `set maxEjectionPercent to at least ${need} so one of ${hosts} hosts can go (100 lets every failing host go), or give the service more endpoints`,
  });
}

function noDetectorFinding(
  ctx: CheckContext,
  probe: Finding['probe'],
  failed: number,
  detected: number,
): Finding {
  const tcp = ctx.target.model.tcpProxy !== null;
  return ctx.finding('MSH0001', 'DestinationRule', ctx.target.dr!, ctx.outlierPath(), {
    message: `outlier detection never ejects a host of ${ctx.target.model.name}: the probe's failing host failed ${failed} requests and no enforced detector fired${detected > 0 ? ` (${detected} detection(s) by a detector Istio leaves unenforced)` : ''}`,
    probe,
    fix: tcp
      ? 'on a tcp-proxied port only connect failures reach outlier detection: set consecutive5xxErrors or consecutiveGatewayErrors above 0 so they count'
      : 'set consecutive5xxErrors (any 5xx) or consecutiveGatewayErrors (502, 503, 504) above 0: 0 switches the detector off',
  });
}
