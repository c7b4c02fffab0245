import type { FieldPath } from '../../config/resources/positions.js';
import { valueAt } from '../../explain/values.js';
import { type Check, pct } from '../check-context.js';
import { playedText } from '../probe.js';

/**
 * MSH0008. Istio assigns locality failover priorities only when the traffic policy has outlierDetection
 * (loadbalancer.go: without it Envoy never learns a host is down), so a written failover or
 * failoverPriority without it does nothing: every locality stays at priority 0. The probe puts the caller
 * in one locality, takes that locality down, and follows where the attempts go.
 */
export const failoverWithoutOutlierDetection: Check = (ctx) => {
  const { target } = ctx;
  if (target.dr === undefined || target.model.localityFailover !== 'no outlierDetection') return [];
  const lbPath: FieldPath = [
    ...(target.model.policyPaths?.loadBalancer ?? ['spec', 'trafficPolicy', 'loadBalancer']),
    'localityLbSetting',
  ];
  const setting = valueAt(target.dr.resource, lbPath) as
    | { failover?: Array<{ from?: string }>; failoverPriority?: string[] }
    | undefined;
  if ((setting?.failover ?? []).length === 0 && (setting?.failoverPriority ?? []).length === 0) return [];
  const localities = [...new Set(target.model.endpoints.map((e) => e.locality).filter((l) => l !== ''))];
  const region = (l: string) => l.split('/')[0]!;
  const home = setting?.failover?.[0]?.from ?? localities[0];
  if (home === undefined || new Set(localities.map(region)).size < 2) return [];
  const down = target.model.endpoints
    .filter((e) => region(e.locality) === region(home))
    .map((e) => e.address);
  if (down.length === 0) return [];
  const setup = {
    name: `locality ${region(home)} down`,
    duration: '5s',
    locality: home,
    endpoints: Object.fromEntries(down.map((a) => [a, { connect: 'refuse' as const }])),
    trace: true,
  };
  const { report, events } = ctx.probe(setup);
  const attempts = events.filter((e) => e.type === 'attempt' && e.cluster === target.model.name);
  const toDown = attempts.filter(
    (e) => e.type === 'attempt' && down.some((a) => e.host.startsWith(`${a}:`)),
  ).length;
  if (toDown === 0) return [];
  const figures = {
    callerLocality: home,
    attempts: attempts.length,
    attemptsToDownLocality: toDown,
    clientErrorRate: pct(report.client.errorRate),
  };
  const field = (setting?.failover ?? []).length > 0 ? 'failover' : 'failoverPriority';
  return [
    ctx.finding('MSH0008', 'DestinationRule', target.dr, [...lbPath, field], {
      message: `localityLbSetting.${field} is ignored: ${target.model.name} has no outlierDetection, and Istio assigns failover priorities only with it, so every locality stays at priority 0. In the probe the caller in ${home} had every endpoint of ${region(home)} refuse connections, and still sent ${toDown} of ${attempts.length} attempts (${pct(toDown / Math.max(1, attempts.length))}) there for the whole probe; ${figures.clientErrorRate} of its requests failed`,
      probe: {
        name: setup.name,
        played: playedText(
          setup,
          `the caller in ${home}; ${down.join(', ')} (${region(home)}) refuse connections, the rest answer in 40 ms`,
        ),
        figures,
      },
      fix: 'add outlierDetection to the same traffic policy (e.g. consecutive5xxErrors: 5, or consecutiveGatewayErrors on a tcp-proxied port) so Istio assigns failover priorities and Envoy learns which hosts are down',
    }),
  ];
};
