import type { RunPlan } from '../config/plan/run-plan.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Report } from '../observe/report.js';
import type { SyntheticDns } from '../world/synthetic-dns.js';
import type { EndpointServers } from './endpoint-servers.js';
import type { TrafficDriver } from './traffic-driver.js';

/**
 * Schedules the Scenario's timeline: each change to the endpoints, the DNS answers or the traffic is
 * applied at its time, in order. Returns the phases, filled in as the run reaches them.
 */
export function scheduleTimeline(
  kernel: Kernel,
  plan: RunPlan,
  endpoints: EndpointServers,
  dns: SyntheticDns,
  traffic: TrafficDriver,
): Report['phases'] {
  const phases: Report['phases'] = [];
  const timelineEvent = kernel.defineEvent((i) => {
    const action = plan.timeline[i]!;
    if (action.phase !== null) phases.push({ atMs: action.atMs, label: action.phase });
    if (action.kind === 'endpoints') {
      for (const address of action.addresses) {
        endpoints.change(address, action.patch, action.replace, kernel.nowMs);
      }
    } else if (action.kind === 'dns') {
      dns.patch(action.name, action);
    } else if (action.kind === 'traffic') {
      traffic.change(action);
    }
  });
  plan.timeline.forEach((a, i) => {
    if (a.atMs < plan.durationMs) kernel.schedule(a.atMs, timelineEvent, i);
  });
  return phases;
}
