import { clusterAddresses, reachesEndpoint } from '../config/plan/cluster-addresses.js';
import { addressesIn } from '../config/plan/timeline-plan.js';
import type { Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { Scenario, ScenarioSpec } from '../config/resources/schema/scenario.js';
import type {
  Certificate,
  EndpointBehaviour,
  EndpointError,
} from '../config/resources/schema/scenario-endpoint.js';
import { CertVerdict, trustedCa, verifyServerCertificate } from '../envoy/certificate-verification.js';
import type { ClusterModel } from '../envoy/cluster.js';
import { GRPC_STATUS_NAMES, grpcToHttpStatus } from '../envoy/grpc-status.js';
import type { UpstreamTlsModel } from '../envoy/tls.js';
import type { ClusterExplanation } from './cluster.js';
import {
  certificateText,
  errorText,
  flapText,
  latencyText,
  patchText,
  percent,
  rateLimitText,
} from './scenario-values.js';
import { byDefault, type Explained, setAt, writtenIn } from './values.js';

/** One Scenario value as explain shows it: the field as the Scenario names it, the value in words, its source. */
export type ScenarioValue = Explained<string> & { field: string };

/** How one address of `spec.endpoints` behaves, and the clusters whose hosts can have it. */
export interface ScenarioEndpointExplanation {
  /** A key of `spec.endpoints` (`*`: every address no key names), or an address only the timeline names. */
  address: string;
  file: string;
  line: number;
  clusters: string[];
  values: ScenarioValue[];
}

/** What the clusters that reach an endpoint are like, for the notes on its failure modes. */
interface Reach {
  /** Only tcp-proxied clusters reach it: statuses pass through unseen. */
  tcpOnly: boolean;
  http1: boolean;
  http2: boolean;
  grpc: boolean;
}

/** The retryOn token that retries each gRPC status in the headers (RETRY_ON_GRPC_*). */
const GRPC_TOKENS: Readonly<Record<string, string>> = {
  CANCELLED: 'cancelled',
  DEADLINE_EXCEEDED: 'deadline-exceeded',
  RESOURCE_EXHAUSTED: 'resource-exhausted',
  INTERNAL: 'internal',
  UNAVAILABLE: 'unavailable',
};

/**
 * Every endpoint of the Scenario: its behaviour (latency, failure modes, capacity, limits, flapping), the
 * verdict each cluster's TLS context gives its certificate, and its timeline changes, each with the line
 * it was written at. `models` and `clusters` are explain's clusters, in the same order.
 */
export function explainScenarioEndpoints(
  scenario: Located<Scenario>,
  models: readonly ClusterModel[],
  clusters: readonly ClusterExplanation[],
): ScenarioEndpointExplanation[] {
  const spec = scenario.resource.spec;
  const reached = models.map((m) => clusterAddresses(m, spec));
  const named = Object.keys(spec.endpoints);
  const timelineOnly = spec.timeline.flatMap((e) =>
    'endpoint' in e && spec.endpoints[e.endpoint] === undefined ? [e.endpoint] : [],
  );
  return [...new Set([...named, ...timelineOnly])].map((address) => {
    const holding = models.flatMap((_m, i) => (reachesEndpoint(reached[i]!, address, spec) ? [i] : []));
    const reach: Reach = {
      tcpOnly: holding.length > 0 && holding.every((i) => models[i]!.tcpProxy !== null),
      http1: holding.some((i) => httpProtocolOf(models[i]!) === 'HTTP/1.1'),
      http2: holding.some((i) => httpProtocolOf(models[i]!) === 'HTTP/2'),
      grpc: holding.some((i) => models[i]!.grpc === true),
    };
    const e = spec.endpoints[address];
    // An address only the timeline names is where the first entry that changes it is.
    const first = spec.timeline.findIndex((x) => 'endpoint' in x && x.endpoint === address);
    const path: FieldPath = e === undefined ? ['spec', 'timeline', first] : ['spec', 'endpoints', address];
    const values =
      e === undefined
        ? []
        : [
            ...behaviourValues(scenario, address, e, reach),
            ...certificateValues(scenario, address, e.certificate, holding, models, clusters),
          ];
    values.push(...timelineValues(scenario, address, models));
    return {
      address,
      file: scenario.file,
      line: scenario.positionOf(path).line,
      clusters: holding.map((i) => models[i]!.name),
      values,
    };
  });
}

/** The HTTP codec toward the hosts, or null on a tcp-proxied port. */
const httpProtocolOf = (m: ClusterModel): string | null =>
  m.tcpProxy !== null ? null : (m.upstreamProtocol?.protocol ?? 'HTTP/1.1');

function behaviourValues(
  scenario: Located<Scenario>,
  address: string,
  e: EndpointBehaviour,
  reach: Reach,
): ScenarioValue[] {
  const spec = scenario.resource.spec;
  const base = ['spec', 'endpoints', address];
  const at = (field: FieldPath, value: string, note?: string): ScenarioValue => ({
    field: formatPath(field),
    ...setAt(scenario, [...base, ...field], value, note),
  });
  const written = (field: FieldPath) => writtenIn(scenario, [...base, ...field]);
  const out: ScenarioValue[] = [
    e.latency === undefined
      ? { field: 'latency', ...byDefault('none beyond the round trip', 'meshsim default') }
      : at(['latency'], latencyText(e.latency)),
    e.rtt !== undefined ? at(['rtt'], e.rtt.text) : networkRtt(scenario, spec),
  ];
  const errors = e.errors ?? [];
  errors.forEach((x, j) => {
    out.push(at(['errors', j], errorText(x), errorNote(x, reach)));
  });
  const errorShare = errors.reduce((s, x) => s + x.rate, 0);
  if (errors.length > 0 && errorShare < 1) {
    out.push({
      field: 'errors (the rest)',
      ...byDefault(`200 × ${percent(1 - errorShare)}`, 'meshsim default', 'the shares are exclusive'),
    });
  }
  if (written(['connect'])) out.push(at(['connect'], e.connect ?? 'ok', connectNote(e)));
  if (e.tlsReason !== undefined) out.push(at(['tlsReason'], e.tlsReason));
  if (e.tlsMaxProtocolVersion !== undefined) {
    const note =
      e.tlsMaxProtocolVersion === 'TLSV1_2'
        ? 'a full handshake takes two round trips (one when the cached session resumes)'
        : undefined;
    out.push(at(['tlsMaxProtocolVersion'], e.tlsMaxProtocolVersion, note));
  }
  if (e.reset !== undefined)
    out.push(
      at(
        ['reset', 'rate'],
        `connection closed before the answer × ${percent(e.reset.rate)}`,
        reach.tcpOnly
          ? "tcp-proxied: the application's connection closes unanswered (status 0)"
          : "503 UC unless retried under retryOn reset, 5xx or gateway-error, none of them in Istio's default; on HTTP/2 every stream of the connection",
      ),
    );
  if (e.concurrency !== undefined) {
    out.push(
      at(
        ['concurrency'],
        `${e.concurrency} at once`,
        e.queue === undefined ? 'the rest wait in an unbounded FIFO queue' : undefined,
      ),
    );
  }
  if (e.queue !== undefined)
    out.push(at(['queue'], `${e.queue.size} wait at most, then ${e.queue.status} at once`));
  if (e.rateLimit !== undefined) {
    const note =
      e.rateLimit.envoyRateLimited === true
        ? 'an Envoy ratelimit filter: retried only under retryOn envoy-ratelimited'
        : undefined;
    out.push(at(['rateLimit'], rateLimitText(e.rateLimit), note));
  }
  if (e.idleTimeout !== undefined)
    out.push(
      at(
        ['idleTimeout'],
        e.idleTimeout.text,
        "a request sent in the round trip before the server's FIN fails 503 UC; a sidecar idleTimeout a round trip shorter avoids it",
      ),
    );
  if (e.flap !== undefined) {
    out.push(at(['flap'], flapText(e.flap)));
    out.push(
      written(['flap', 'down'])
        ? at(['flap', 'down'], patchText(e.flap.down))
        : { field: 'flap.down', ...byDefault(patchText(e.flap.down), 'meshsim default') },
    );
  }
  return out;
}

/** `network.rtt`, the round trip of an endpoint that sets none. */
function networkRtt(scenario: Located<Scenario>, spec: ScenarioSpec): ScenarioValue {
  const path = ['spec', 'network', 'rtt'];
  const value = `${spec.network.rtt.text} (network.rtt)`;
  return writtenIn(scenario, path)
    ? { field: 'rtt', ...setAt(scenario, path, value) }
    : { field: 'rtt', ...byDefault(value, 'meshsim default') };
}

function connectNote(e: EndpointBehaviour): string | undefined {
  switch (e.connect) {
    case 'refuse':
      return "a RST at once: 503 UF, retried under connect-failure (in Istio's default)";
    case 'blackhole':
      return "no answer: each connect waits out the cluster's connect_timeout, then 503 UF";
    case 'tlsError':
      return `the handshake fails (${e.tlsReason ?? 'CERTIFICATE_VERIFY_FAILED'}) where the sidecar originates TLS: 503 UF`;
    default:
      return undefined;
  }
}

/** What Envoy makes of one failure mode, on the kinds of cluster that reach the endpoint. */
function errorNote(e: EndpointError, reach: Reach): string | undefined {
  if (reach.tcpOnly)
    return 'only tcp-proxied clusters reach it: the answer passes through unseen, never retried, never seen by outlier detection';
  if (e.reset === 'refused-stream') {
    const parts: string[] = [];
    if (reach.http2 || !reach.http1)
      parts.push(
        "HTTP/2: 503 UR unless retried under refused-stream (in Istio's default), reset, 5xx or gateway-error",
      );
    if (reach.http1)
      parts.push('HTTP/1.1 has no REFUSED_STREAM: the connection closes, 503 UC (warned about when run)');
    return parts.join('; ');
  }
  if (e.reset === 'after-headers')
    return `the headers already went to the application: never retried; the body breaks (UR on HTTP/2, UC on HTTP/1.1)${reach.grpc ? ', a gRPC application reads INTERNAL' : ''}`;
  if (e.envoyRateLimited === true)
    return "retried only under retryOn envoy-ratelimited, not in Istio's default";
  if (e.grpcStatus !== undefined) {
    const http = grpcToHttpStatus(GRPC_STATUS_NAMES.indexOf(e.grpcStatus));
    if (e.inTrailers === true)
      return `after the headers: no retry, outlier detection sees the 200${reach.grpc && http >= 500 ? `; the host's rq_error counts it (${http})` : ''}`;
    const token = GRPC_TOKENS[e.grpcStatus];
    // The retry tokens read grpc-status from any answer; only a gRPC request's reaches outlier detection.
    const seen = reach.grpc ? `${http}` : 'the HTTP status (no GRPC port reaches it)';
    return `${token === undefined ? 'no retryOn token retries it' : `retried under retryOn ${token}`}; outlier detection sees ${seen}`;
  }
  const status = e.status ?? 200;
  if (status >= 502 && status <= 504)
    return 'retried under retryOn 5xx or gateway-error, or as a retriable status code';
  if (status >= 500) return 'retried under retryOn 5xx, or as a retriable status code';
  return undefined;
}

/**
 * The endpoint's certificate, and per cluster that originates TLS to it the verdict of its context
 * (DefaultCertValidator: CA and validity, then auto SAN validation and subjectAltNames).
 */
function certificateValues(
  scenario: Located<Scenario>,
  address: string,
  cert: Certificate | undefined,
  holding: readonly number[],
  models: readonly ClusterModel[],
  clusters: readonly ClusterExplanation[],
): ScenarioValue[] {
  if (cert === undefined) return [];
  const path = ['spec', 'endpoints', address, 'certificate'];
  const originating = holding.filter(
    (i) => (models[i]!.tls ?? null) !== null && models[i]!.tlsMode !== 'DISABLE',
  );
  const own: ScenarioValue = {
    field: 'certificate',
    ...setAt(
      scenario,
      path,
      certificateText(cert),
      originating.length === 0 ? 'no cluster that reaches it originates TLS: never checked' : undefined,
    ),
  };
  const verdicts = originating.map((i): ScenarioValue => {
    const model = models[i]!;
    const mode = clusters[i]!.tls.mode;
    const { verdict, why } = certificateVerdict(model.tls!, model.serviceHost, cert);
    return { ...mode, field: `certificate in ${model.name}`, value: verdict, note: why };
  });
  return [own, ...verdicts];
}

/** What the context makes of the certificate at each full handshake, and why. */
export function certificateVerdict(
  tls: UpstreamTlsModel,
  host: string,
  cert: Certificate,
): { verdict: string; why: string } {
  const ca = trustedCa(tls);
  if (ca === null)
    return {
      verdict: 'not checked',
      why: tls.insecureSkipVerify
        ? 'insecureSkipVerify: an empty validation context'
        : 'no CA to verify against (Istio before 1.21 set no VERIFY_CERTIFICATE_AT_CLIENT)',
    };
  if (cert.issuer !== ca)
    return {
      verdict: 'rejected: ssl.fail_verify_error, 503 UF',
      why: `issued by ${cert.issuer}, but the context trusts ${ca}`,
    };
  const timeless = {
    subjectAltNames: cert.subjectAltNames,
    issuer: ca,
    notBeforeMs: -Infinity,
    notAfterMs: Infinity,
  };
  if (verifyServerCertificate(tls, host, timeless, 0) === CertVerdict.FailVerifySan) {
    const wanted =
      tls.subjectAltNames.length > 0
        ? `none of subjectAltNames ${tls.subjectAltNames.join(', ')} is among its names`
        : `auto SAN validation: ${host} is not among its names`;
    return { verdict: 'rejected: ssl.fail_verify_san, 503 UF', why: wanted };
  }
  const trusted = `issued by ${ca}, which the context trusts`;
  if (cert.expired === true)
    return {
      verdict: 'rejected: ssl.fail_verify_error, 503 UF',
      why: `${trusted}, but expired before the run`,
    };
  if (cert.notBefore === undefined && cert.notAfter === undefined)
    return { verdict: 'accepted', why: `${trusted}, and its names match` };
  const from = cert.notBefore === undefined ? '' : ` from ${cert.notBefore.text}`;
  const until = cert.notAfter === undefined ? '' : ` until ${cert.notAfter.text}`;
  return {
    verdict: `accepted${from}${until}; outside that ssl.fail_verify_error`,
    why: `${trusted}, and its names match; a resumed TLS 1.2 session is not checked again`,
  };
}

/** The timeline entries that change this endpoint: by its address, or a locality it is in. */
function timelineValues(
  scenario: Located<Scenario>,
  address: string,
  models: readonly ClusterModel[],
): ScenarioValue[] {
  const spec = scenario.resource.spec;
  const out: ScenarioValue[] = [];
  spec.timeline.forEach((e, k) => {
    const byAddress = 'endpoint' in e && e.endpoint === address;
    const byLocality =
      'locality' in e && address !== '*' && addressesIn(e.locality, models, spec).includes(address);
    if (!byAddress && !byLocality) return;
    const change = 'set' in e ? patchText(e.set) : `becomes ${patchText(e.becomes)}`;
    const notes = [
      ...('locality' in e ? [`every endpoint in ${e.locality}`] : []),
      ...('becomes' in e ? ['what it leaves out takes its default'] : []),
      ...(e.phase === undefined ? [] : [`phase "${e.phase}"`]),
    ];
    out.push({
      field: `timeline[${k}] at ${e.at.text}`,
      ...setAt(scenario, ['spec', 'timeline', k], change, notes.join('; ') || undefined),
    });
  });
  return out;
}
