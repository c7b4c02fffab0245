import type { Distribution } from '../kernel/distributions.js';
import type { ConnectOutcome, EndpointBehaviour, ErrorRate } from './endpoint-server.js';

/** The fields of an endpoint's behaviour a timeline entry can change at run time. */
export interface EndpointPatch {
  latency?: Distribution;
  errors?: readonly ErrorRate[];
  rttMs?: number;
  connect?: ConnectOutcome;
  resetRate?: number;
  tlsMaxVersion?: EndpointBehaviour['tlsMaxVersion'];
  rateLimit?: EndpointBehaviour['rateLimit'];
  /** New worker slots; null (a `becomes` without one): unlimited. The queue is kept unless `queue` is set. */
  concurrency?: number | null;
  queue?: { size: number; status: number };
  /** The server's keep-alive idle timeout in ms; 0 = never. */
  idleTimeoutMs?: number;
  /** A flap cycle starting at the change; null (a `becomes` without one): flapping stops. */
  flap?: FlapPlan | null;
}

/** An endpoint's `flap`: up for `upMs` of each `periodMs` (shifted by `offsetMs`), then `down` applies. */
export interface FlapPlan {
  periodMs: number;
  upMs: number;
  offsetMs: number;
  down: EndpointPatch;
}

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
