import { Constant, type Distribution, Exponential, LogNormal } from '../../kernel/distributions.js';
import type { EndpointBehaviour, ServerCertificate } from '../../world/endpoint-server.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { EndpointBehaviour as EndpointSpec, Latency } from '../resources/schema/scenario-endpoint.js';
import { errorRatesOf } from './endpoint-errors.js';
import { tokenBucketOf } from './rate-limit.js';
import { errorsAt, type ScenarioReporter } from './scenario-diagnostics.js';
import { checkPatchNeeds, stateOf } from './timeline-plan.js';

/** An endpoint's `latency` as the server samples it; none is no delay. */
export function latencyDistribution(latency: Latency | undefined): Distribution {
  if (latency === undefined) return new Constant(0);
  if ('constant' in latency) return new Constant(latency.constant.ms);
  if ('exponential' in latency) return new Exponential(latency.exponential.ms);
  return new LogNormal(latency.median.ms, latency.p99.ms);
}

/** Per endpoint: a flap `down` that needs what the endpoint lacks, then error rates that add up to over 1. */
export function checkEndpoints(spec: ScenarioSpec, at: ScenarioReporter): void {
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.flap !== undefined) {
      const path = ['endpoints', address, 'flap', 'down'];
      checkPatchNeeds(e.flap.down, stateOf(e), address, path, errorsAt(at));
    }
    const total = (e.errors ?? []).reduce((s, x) => s + x.rate, 0);
    if (total > 1 + 1e-12)
      at(['endpoints', address, 'errors'], 'error', `error rates add up to ${total}, over 1`);
  }
}

/** `RunPlan.endpointFor`: each address's behaviour, built the first time the run asks for it. */
export function endpointBehaviours(spec: ScenarioSpec): (address: string) => EndpointBehaviour {
  const defaultRttMs = spec.network.rtt.ms;
  const behaviours = new Map<string, EndpointBehaviour>();
  return (address) => {
    let b = behaviours.get(address);
    if (b === undefined) {
      b = behaviourOf(spec.endpoints[address] ?? spec.endpoints['*'], defaultRttMs);
      behaviours.set(address, b);
    }
    return b;
  };
}

/** An endpoint's entry as its synthetic server runs it; no entry is a healthy, instant server. */
function behaviourOf(e: EndpointSpec | undefined, defaultRttMs: number): EndpointBehaviour {
  return {
    latency: latencyDistribution(e?.latency),
    errors: errorRatesOf(e?.errors),
    rttMs: e?.rtt?.ms ?? defaultRttMs,
    connect: e?.connect ?? 'ok',
    resetRate: e?.reset?.rate ?? 0,
    tlsMaxVersion: e?.tlsMaxProtocolVersion === 'TLSV1_2' ? '1.2' : '1.3',
    rateLimit: tokenBucketOf(e?.rateLimit),
    capacity:
      e?.concurrency === undefined
        ? undefined
        : {
            concurrency: e.concurrency,
            queueSize: e.queue?.size ?? Infinity,
            status: e.queue?.status ?? 503,
          },
    idleTimeoutMs: e?.idleTimeout?.ms ?? 0,
    certificate: certificateOf(e?.certificate),
  };
}

/** The Scenario's `certificate` in run time: `expired` ended before the run, absent bounds are open. */
function certificateOf(c: EndpointSpec['certificate']): ServerCertificate | undefined {
  if (c === undefined) return undefined;
  return {
    subjectAltNames: c.subjectAltNames,
    issuer: c.issuer,
    notBeforeMs: c.notBefore?.ms ?? Number.NEGATIVE_INFINITY,
    notAfterMs: c.expired === true ? Number.NEGATIVE_INFINITY : (c.notAfter?.ms ?? Number.POSITIVE_INFINITY),
  };
}
