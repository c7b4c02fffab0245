import { type Check, secs } from '../check-context.js';
import { failing, HEALTHY, playedText } from '../probe.js';

/** When the failing address recovers in the probe. */
const RECOVERY_MS = 1000;

/**
 * MSH0007. A DNS_ROUND_ROBIN ServiceEntry is a LOGICAL_DNS cluster: one host, whatever its name resolves
 * to (logical_dns_cluster.cc). Outlier detection ejecting it ejects every address at once; with Istio's
 * panic threshold 0 (minHealthPercent unset) the load balancer then has no host and every request gets
 * 503 UH until the ejection ends. The probe fails the name's first address for 1 s, then heals it.
 */
export const logicalDnsEjection: Check = (ctx) => {
  const { target } = ctx;
  if (
    target.model.type !== 'LOGICAL_DNS' ||
    target.model.outlierDetection === null ||
    target.dr === undefined
  )
    return [];
  const address = target.addresses[0]!;
  const setup = {
    name: "the name's first address failing for 1 s",
    duration: '6s',
    endpoints: { [address]: failing(target) },
    timeline: [{ at: `${RECOVERY_MS}ms`, endpoint: address, becomes: HEALTHY }],
    trace: true,
  };
  const { report, events } = ctx.probe(setup);
  const ejection = report.clusters[target.model.name]?.ejections[0];
  const noHost = events.filter((e) => e.type === 'response' && e.flags.split(',').includes('UH'));
  if (ejection === undefined || noHost.length === 0) return [];
  const afterRecovery = noHost.filter((e) => e.tMs >= RECOVERY_MS).length;
  const until = ejection.untilMs === null ? 'the end of the probe' : secs(ejection.untilMs);
  const probe = {
    name: setup.name,
    played: playedText(
      setup,
      `${address} (the first of ${target.addresses.length} answers) ${target.model.tcpProxy === null ? 'answers 503' : 'refuses connections'} until 1 s, then answers in 40 ms`,
    ),
    figures: {
      ejectedAt: secs(ejection.atMs),
      ejectedUntil: until,
      answeredUH: noHost.length,
      answeredUHAfterRecovery: afterRecovery,
      clientRequests: report.client.total,
    },
  };
  return [
    ctx.finding('MSH0007', 'DestinationRule', target.dr, ctx.outlierPath(), {
      message: `${target.host} is DNS_ROUND_ROBIN: its cluster has one host for every address the name resolves to, so ejecting it takes the whole service out. In the probe the first address failed for 1 s, the host was ejected at ${secs(ejection.atMs)} until ${until}, and ${noHost.length} requests got 503 UH (no healthy upstream), ${afterRecovery} of them after the address had recovered`,
      probe,
      fix: 'use resolution: DNS (one host per address, so a bad address is ejected alone), or drop outlierDetection for this host and rely on retries of connect-failure',
    }),
  ];
};
