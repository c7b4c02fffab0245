import type { EndpointPatch } from '../config/timeline-plan.js';
import type { EndpointBehaviour } from './endpoint-server.js';

/** What a `becomes` starts from: every field at its default but the latency and the round trip given. */
export function defaultBehaviour(latency: EndpointBehaviour['latency'], rttMs: number): EndpointBehaviour {
  return { latency, errors: [], rttMs, connect: 'ok', resetRate: 0, idleTimeoutMs: 0 };
}

/**
 * `behaviour` with `patch` laid over it (a timeline `set`, or a flap's down phase). A new
 * `concurrency` keeps the queue unless the patch sets one; `flap` is the caller's, never a behaviour.
 */
export function patchBehaviour(behaviour: EndpointBehaviour, patch: EndpointPatch): EndpointBehaviour {
  const out: EndpointBehaviour = { ...behaviour };
  if (patch.latency !== undefined) out.latency = patch.latency;
  if (patch.errors !== undefined) out.errors = patch.errors;
  if (patch.rttMs !== undefined) out.rttMs = patch.rttMs;
  if (patch.connect !== undefined) out.connect = patch.connect;
  if (patch.resetRate !== undefined) out.resetRate = patch.resetRate;
  if (patch.rateLimit !== undefined) out.rateLimit = patch.rateLimit;
  if (patch.idleTimeoutMs !== undefined) out.idleTimeoutMs = patch.idleTimeoutMs;
  if (patch.tlsMaxVersion !== undefined) out.tlsMaxVersion = patch.tlsMaxVersion;
  const old = behaviour.capacity;
  if (patch.concurrency === null) out.capacity = undefined;
  else if (patch.concurrency !== undefined || patch.queue !== undefined) {
    // Planning refuses a queue for an endpoint without concurrency, so one of the two is there.
    const concurrency = patch.concurrency ?? old?.concurrency;
    if (concurrency !== undefined) {
      out.capacity = {
        concurrency,
        queueSize: patch.queue?.size ?? old?.queueSize ?? Number.POSITIVE_INFINITY,
        status: patch.queue?.status ?? old?.status ?? 503,
      };
    }
  }
  return out;
}
