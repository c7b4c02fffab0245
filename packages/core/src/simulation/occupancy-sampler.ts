import type { RunPlan } from '../config/plan/run-plan.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ClientObserver } from '../observe/client-observer.js';
import type { Cluster } from '../upstream/cluster.js';
import type { RunProgress } from './run-hooks.js';

/**
 * Samples pool occupancy at the end of each timeline bucket of the traffic phase, and reports progress
 * there. The sampler only reads gauges and draws nothing, so the other events fire exactly as without it.
 */
export function sampleOccupancy(
  kernel: Kernel,
  plan: RunPlan,
  clusters: readonly Cluster[],
  client: ClientObserver,
  onProgress: ((progress: RunProgress) => void) | undefined,
): void {
  const bucketMs = plan.timelineBucketMs;
  const sampleEvent = kernel.defineEvent((bucket) => {
    let rqActive = 0;
    let rqPending = 0;
    let cxActive = 0;
    for (const c of clusters) {
      rqActive += c.resources.requests;
      rqPending += c.resources.pendingRequests;
      cxActive += c.resources.connections;
    }
    client.timeline.sampleOccupancy(kernel.nowMs, rqActive, rqPending, cxActive);
    onProgress?.({ simulatedMs: kernel.nowMs, durationMs: plan.durationMs, requests: client.total });
    if (kernel.nowMs < plan.durationMs) {
      kernel.schedule(Math.min((bucket + 1) * bucketMs, plan.durationMs), sampleEvent, bucket + 1);
    }
  });
  kernel.schedule(Math.min(bucketMs, plan.durationMs), sampleEvent, 1);
}
