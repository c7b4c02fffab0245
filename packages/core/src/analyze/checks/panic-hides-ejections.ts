import type { TraceEvent } from '../../observe/trace.js';
import { type Check, secs } from '../check-context.js';
import { playedText } from '../probe.js';
import { failingText, oneEndpointFailing } from '../standard-probes.js';

/** Attempts sent to a host while it was ejected, because its priority was in panic. */
function attemptsWhileEjected(events: readonly TraceEvent[], cluster: string) {
  const ejected = new Set<string>();
  let firstEjectionMs: number | null = null;
  let toEjected = 0;
  let total = 0;
  for (const e of events) {
    if (e.type === 'eject' && e.cluster === cluster) {
      ejected.add(e.host);
      firstEjectionMs ??= e.tMs;
    } else if (e.type === 'uneject' && e.cluster === cluster) ejected.delete(e.host);
    else if (e.type === 'attempt' && e.cluster === cluster) {
      total++;
      if (e.panic === true && ejected.has(e.host)) toEjected++;
    }
  }
  return { firstEjectionMs, toEjected, total };
}

/**
 * MSH0005. With outlierDetection Istio makes minHealthPercent the cluster's healthy_panic_threshold;
 * when the healthy share of a priority falls below it Envoy balances over every host, ejected or not
 * (isHostSetInPanic, load_balancer_impl.cc), so an ejection that drops it there ejects nothing. The
 * probe fails one host and follows the trace.
 */
export const panicHidesEjections: Check = (ctx) => {
  const { target } = ctx;
  const threshold = target.model.healthyPanicThresholdPct;
  if (target.model.outlierDetection === null || target.dr === undefined || threshold <= 0) return [];
  const setup = oneEndpointFailing(target);
  const { report, events } = ctx.probe(setup);
  const seen = attemptsWhileEjected(events, target.model.name);
  if (seen.toEjected === 0 || seen.firstEjectionMs === null) return [];
  const hosts = report.clusters[target.model.name]?.hosts.length ?? 0;
  const left = hosts === 0 ? 0 : (100 * (hosts - 1)) / hosts;
  const probe = {
    name: setup.name,
    played: playedText(setup, failingText(target)),
    figures: {
      hosts,
      minHealthPercent: threshold,
      firstEjection: secs(seen.firstEjectionMs),
      attemptsToEjectedHost: seen.toEjected,
      attempts: seen.total,
    },
  };
  return [
    ctx.finding('MSH0005', 'DestinationRule', target.dr, ctx.outlierPath('minHealthPercent'), {
      message: `minHealthPercent ${threshold} puts ${target.model.name} in panic as soon as one of its ${hosts} hosts is ejected (${+left.toFixed(1)} % healthy is under ${threshold} %), and in panic Envoy balances over every host, ejected or not: in the probe the failing host was ejected at ${secs(seen.firstEjectionMs)} and still took ${seen.toEjected} of ${seen.total} attempts while it was out`,
      probe,
      fix: `keep minHealthPercent below ${Math.floor(left)} so one ejection leaves the cluster out of panic, or leave it out: Istio's default with outlierDetection is 0, which turns panic off (then, with every host ejected, requests get 503 UH)`,
    }),
  ];
};
