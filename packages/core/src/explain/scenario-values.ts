import { formatDurationMs } from '../config/resources/durations.js';
import type {
  Certificate,
  EndpointBehaviourPatch,
  EndpointError,
  Flap,
  Latency,
} from '../config/resources/schema/scenario-endpoint.js';

/** A share 0..1 as explain prints it: `12.5 %`. */
export const percent = (share: number): string => `${+(share * 100).toFixed(3)} %`;

/** An endpoint's `latency`, in words. */
export function latencyText(l: Latency): string {
  if ('constant' in l) return `constant ${l.constant.text}`;
  if ('exponential' in l) return `exponential, mean ${l.exponential.text}`;
  return `lognormal, median ${l.median.text}, p99 ${l.p99.text}`;
}

/** One failure mode: what the endpoint answers, and to which share of its requests. */
export function errorText(e: EndpointError): string {
  const share = percent(e.rate);
  if (e.reset === 'refused-stream') return `REFUSED_STREAM (no answer) × ${share}`;
  const grpc =
    e.grpcStatus === undefined
      ? ''
      : ` grpc-status ${e.grpcStatus} ${e.inTrailers === true ? 'in trailers' : '(Trailers-Only)'}`;
  const limited = e.envoyRateLimited === true ? ' + x-envoy-ratelimited' : '';
  const reset = e.reset === 'after-headers' ? ', then the stream reset' : '';
  return `${e.status ?? 200}${grpc}${limited}${reset} × ${share}`;
}

/** A certificate's names, issuer and validity. */
export function certificateText(c: Certificate): string {
  const names = c.subjectAltNames.length === 0 ? 'no names' : `SANs ${c.subjectAltNames.join(', ')}`;
  const validity =
    c.expired === true
      ? 'expired before the run'
      : c.notBefore === undefined && c.notAfter === undefined
        ? 'valid throughout'
        : `valid ${c.notBefore === undefined ? 'until' : `from ${c.notBefore.text}`}${c.notBefore !== undefined && c.notAfter !== undefined ? ' to' : ''}${c.notAfter === undefined ? ' on' : ` ${c.notAfter.text}`}`;
  return `${names}; issuer ${c.issuer}; ${validity}`;
}

/** A flap cycle: how long up, how long down, from where in the cycle. */
export function flapText(f: Flap): string {
  const up = f.period.ms * f.duty;
  const offset = f.offset === undefined ? '' : `, ${f.offset.text} into the cycle at the start`;
  return `every ${f.period.text}: up ${percent(f.duty)} (${formatDurationMs(up)}), then down ${formatDurationMs(f.period.ms - up)}${offset}`;
}

/** The fields an endpoint patch (a flap's down phase, a timeline `set` or `becomes`) gives, in short. */
export function patchText(p: EndpointBehaviourPatch): string {
  const parts: string[] = [];
  if (p.latency !== undefined) parts.push(`latency ${latencyText(p.latency)}`);
  if (p.errors !== undefined)
    parts.push(p.errors.length === 0 ? 'errors none' : `errors ${p.errors.map(errorText).join('; ')}`);
  if (p.connect !== undefined) parts.push(`connect ${p.connect}`);
  if (p.tlsReason !== undefined) parts.push(`tlsReason ${p.tlsReason}`);
  if (p.tlsMaxProtocolVersion !== undefined) parts.push(`tlsMaxProtocolVersion ${p.tlsMaxProtocolVersion}`);
  if (p.reset !== undefined) parts.push(`reset ${percent(p.reset.rate)}`);
  if (p.concurrency !== undefined) parts.push(`concurrency ${p.concurrency}`);
  if (p.queue !== undefined) parts.push(`queue ${p.queue.size}, then ${p.queue.status}`);
  if (p.rateLimit !== undefined) parts.push(`rateLimit ${rateLimitText(p.rateLimit)}`);
  if (p.rtt !== undefined) parts.push(`rtt ${p.rtt.text}`);
  if (p.idleTimeout !== undefined) parts.push(`idleTimeout ${p.idleTimeout.text}`);
  if (p.flap !== undefined) parts.push(`flap ${flapText(p.flap)}`);
  return parts.join(', ') || 'nothing';
}

/** A token bucket in front of the server. */
export function rateLimitText(r: NonNullable<EndpointBehaviourPatch['rateLimit']>): string {
  const burst = r.burst === undefined ? `burst ${Math.max(1, r.rps)} (a second's worth)` : `burst ${r.burst}`;
  const limited = r.envoyRateLimited === true ? ' + x-envoy-ratelimited' : '';
  return `${r.rps} rps, ${burst}, then ${r.status}${limited}`;
}
