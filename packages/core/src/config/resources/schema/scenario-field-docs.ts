// What each field of the Scenario document means, by its path in the document (`*` for any key of a
// map, `[]` for any item of a list). The JSON Schema carries these as descriptions (editors show them)
// and docs/scenario.md is generated from that schema; a test checks that every field has one.
// A flap's `down` fields and a timeline `set` are described by the endpoint, dns or traffic field they patch.

const ENDPOINT = 'spec.endpoints.*';
const TRAFFIC = 'spec.traffic[]';

export const SCENARIO_FIELD_DOCS: Readonly<Record<string, string>> = {
  apiVersion: 'Always `meshsim.dev/v1alpha1`.',
  kind: 'Always `Scenario`. A YAML stream holds at most one Scenario document beside its Istio resources.',
  metadata: 'Names the scenario.',
  'metadata.name': 'The name the report carries (`scenario`).',
  'metadata.labels': 'Free-form labels; meshsim does not read them.',
  'metadata.annotations': 'Free-form annotations; meshsim does not read them.',
  spec: 'The world around the calling sidecar: its endpoints, the traffic it sends, what changes over time.',
  'spec.seed':
    'Seeds every random stream of the run: the same inputs and seed give the same report, byte for byte.',
  'spec.duration':
    'Simulated time the traffic runs for; requests still in flight then may finish during a drain.',
  'spec.proxy': 'The calling sidecar: where it runs and which Istio version configured it.',
  'spec.proxy.namespace':
    'The namespace of the calling workload: decides which resources it sees (`exportTo`) and which DestinationRule and VirtualService apply.',
  'spec.proxy.locality':
    "The caller's `region/zone/subzone`: what locality failover and `distribute` rules are matched against.",
  'spec.proxy.labels': "The calling workload's pod labels, matched by VirtualService `sourceLabels`.",
  'spec.proxy.workers':
    'Envoy worker threads (Istio sets as many as the CPU limit). Each worker has its own connection pools and round-robin state.',
  'spec.proxy.istioVersion':
    'The Istio release whose defaults and rules apply (retry policy, ejection cap, validation), quoted: `"1.24"`.',
  'spec.network': 'The network between the sidecar and the endpoints.',
  'spec.network.rtt': 'Round trip to an endpoint that sets no `rtt` of its own.',
  'spec.dns':
    'The synthetic resolver that DNS and DNS_ROUND_ROBIN ServiceEntries resolve against, by host name.',
  'spec.dns.*.ttl':
    "The records' TTL; Envoy re-resolves when it runs out. Absent: no TTL, so Envoy re-resolves at its refresh rate.",
  'spec.dns.*.answers': 'The IP addresses the name resolves to, in order.',
  'spec.dns.*.rotate': 'Rotate the order of the answers on every query, as round-robin DNS servers do.',
  'spec.dns.*.failure': 'Every query fails this way instead of answering: a resolver outage. `none` answers.',
  'spec.endpoints':
    'How each upstream address behaves, by IP address; `*` answers for every address not listed (absent: a healthy server that answers at once).',
  [`${ENDPOINT}.latency`]:
    'Response time: `{ median, p99 }` (lognormal), `{ constant }` or `{ exponential }` (that mean). Absent: no time beyond the round trip.',
  [`${ENDPOINT}.latency.median`]: 'Median response time of a lognormal latency; needs `p99`.',
  [`${ENDPOINT}.latency.p99`]: '99th percentile of a lognormal latency, at least the median; needs `median`.',
  [`${ENDPOINT}.latency.constant`]: 'Every response takes exactly this long.',
  [`${ENDPOINT}.latency.exponential`]: 'Exponentially distributed response times with this mean.',
  [`${ENDPOINT}.errors`]:
    'Statuses the endpoint answers instead of 200, each drawn independently per request, checked in order.',
  [`${ENDPOINT}.errors[].status`]:
    'The HTTP status answered; with `grpcStatus` or `reset: after-headers` it may be left out (200).',
  [`${ENDPOINT}.errors[].grpcStatus`]:
    'A gRPC answer: the grpc-status it carries, by name (`UNAVAILABLE`). Envoy retries it under the matching retryOn token (`unavailable`, `cancelled`, `deadline-exceeded`, `resource-exhausted`, `internal`) and reports it to outlier detection as its HTTP equivalent (UNAVAILABLE as 503), unless it comes `inTrailers`.',
  [`${ENDPOINT}.errors[].inTrailers`]:
    'With `grpcStatus`: the status comes in trailers after the headers and data, as from a server that already sent a message. The headers went to the application first, so Envoy can neither retry it nor tell outlier detection (it sees a 200). Absent: false (Trailers-Only, the status in the only header block).',
  [`${ENDPOINT}.errors[].reset`]:
    "The stream ends in a reset instead of a whole answer. `refused-stream`: the HTTP/2 server refuses it before any answer (RST_STREAM REFUSED_STREAM, as when it is over its concurrent-stream limit): 503 UR unless retried, under retryOn `refused-stream` (in Istio's default), `reset`, `5xx` or `gateway-error`; the connection carries on. An HTTP/1.1 server cannot refuse a stream, only close the connection, so on an HTTP/1.1 connection it is the same as the endpoint's `reset` (503 UC, not retried by `refused-stream`), and the plan warns at the field when an HTTP/1.1 cluster reaches the endpoint. `after-headers`: the headers (`status`, default 200) go out, then the stream is reset (HTTP/2; on HTTP/1.1 the connection closes). Envoy already passed the headers on, so it cannot retry: the application gets that status with flag UR (UC on HTTP/1.1) and a broken body, a gRPC one INTERNAL. Neither takes `grpcStatus`; `refused-stream` takes no `status` either.",
  [`${ENDPOINT}.errors[].envoyRateLimited`]:
    'The answer carries `x-envoy-ratelimited`, as an upstream Envoy that rate-limited the request adds it. Envoy retries such an answer only under retryOn `envoy-ratelimited`, never under any other token (not `5xx`, not a retriable status code). Istio sets no rate-limited back-off, so a Retry-After in the answer changes nothing: the retry waits the usual exponential back-off.',
  [`${ENDPOINT}.errors[].rate`]: 'The share of requests answered with it, 0 to 1.',
  [`${ENDPOINT}.connect`]:
    'How a connection attempt ends: `ok`; `refuse` (RST at once); `blackhole` (no answer: the connect timeout decides); `tlsError` (the TLS handshake fails).',
  [`${ENDPOINT}.tlsReason`]:
    'With `connect: tlsError`: what the handshake fails on, as Envoy names it. Absent: CERTIFICATE_VERIFY_FAILED.',
  [`${ENDPOINT}.tlsMaxProtocolVersion`]:
    'The newest TLS version the server accepts. `TLSV1_2` makes each full handshake take two round trips instead of one. Absent: TLSV1_3.',
  [`${ENDPOINT}.certificate`]:
    "The certificate the server presents when the sidecar originates TLS (a DestinationRule `tls`), checked as Envoy's certificate validator does: the issuer must be the CA the context trusts and the run time within its validity (else `ssl.fail_verify_error`), then the request host (auto SAN validation, when the rule sets neither `sni` nor `subjectAltNames`) and the rule's or ServiceEntry's `subjectAltNames` must match a name (else `ssl.fail_verify_san`). A failure is a connect failure, 503 UF. A resumed TLS 1.2 session carries no certificate and is not checked. Where no cluster that reaches the endpoint originates TLS, nothing checks it (a warning says so). Absent: every handshake succeeds.",
  [`${ENDPOINT}.certificate.subjectAltNames`]:
    'The DNS names (or URIs) the certificate carries; `*.example.com` covers exactly one label in front of example.com.',
  [`${ENDPOINT}.certificate.issuer`]:
    "The CA that signed it, by name: `public` (a CA in the system trust store, which a rule without `caCertificates` trusts), `mesh` (Istio's CA, trusted by ISTIO_MUTUAL), or a private CA trusted only by a rule whose `caCertificates` is that same name (its file path). Absent: public.",
  [`${ENDPOINT}.certificate.notBefore`]:
    'Valid from this time into the run; a handshake before it fails. Absent: valid from before the run.',
  [`${ENDPOINT}.certificate.notAfter`]:
    'Valid until this time into the run, after notBefore; later handshakes fail. Absent: never expires.',
  [`${ENDPOINT}.certificate.expired`]:
    'true: the certificate expired before the run (no notBefore/notAfter with it).',
  [`${ENDPOINT}.reset`]: 'Connections closed before the response.',
  [`${ENDPOINT}.reset.rate`]: 'The share of requests whose connection is reset before the response, 0 to 1.',
  [`${ENDPOINT}.concurrency`]:
    'Requests the server serves at once; more wait in its queue. Absent: unlimited.',
  [`${ENDPOINT}.queue`]: 'With `concurrency`: a bounded wait queue. Absent: unbounded.',
  [`${ENDPOINT}.queue.size`]: 'At most this many requests wait for a slot.',
  [`${ENDPOINT}.queue.status`]: 'The status answered at once to a request that finds the queue full.',
  [`${ENDPOINT}.rateLimit`]: "A token bucket in front of the server, as a provider's rate limit.",
  [`${ENDPOINT}.rateLimit.rps`]: 'Tokens added per second.',
  [`${ENDPOINT}.rateLimit.status`]: 'The status answered to a request that finds the bucket empty.',
  [`${ENDPOINT}.rateLimit.burst`]: "Tokens the bucket holds at most. Absent: one second's worth.",
  [`${ENDPOINT}.rateLimit.envoyRateLimited`]:
    "The limiter is an Envoy rate limit filter in front of the server: its answers carry `x-envoy-ratelimited` (the ratelimit filter adds it on over-limit), so the caller's Envoy retries them only under retryOn `envoy-ratelimited`. Absent: false.",
  [`${ENDPOINT}.rtt`]: 'Round trip to this endpoint. Absent: `network.rtt`.',
  [`${ENDPOINT}.idleTimeout`]:
    'The server closes a keep-alive connection idle this long; a request sent in the round trip before its FIN arrives fails 503 UC (the keep-alive race). Absent: never.',
  [`${ENDPOINT}.flap`]:
    'Up and down in turn: each `period` starts with `duty × period` up (the endpoint as configured), then down.',
  [`${ENDPOINT}.flap.period`]: 'The length of one up-and-down cycle.',
  [`${ENDPOINT}.flap.duty`]: 'The share of each period spent up, 0 to 1.',
  [`${ENDPOINT}.flap.down`]:
    'The endpoint fields that change while it is down. Absent: `{ connect: refuse }`.',
  [`${ENDPOINT}.flap.offset`]:
    'How far into its cycle the endpoint is at the start. Absent: 0s, the start of an up phase.',
  'spec.traffic': "The application's requests through the sidecar: one entry per stream.",
  [`${TRAFFIC}.host`]: 'The host the application calls: a host of a ServiceEntry it can see.',
  [`${TRAFFIC}.port`]: "The port it calls. Absent: the port of the host's only ServiceEntry port.",
  [`${TRAFFIC}.path`]: 'The request path, matched by VirtualService routes.',
  [`${TRAFFIC}.method`]: 'The request method.',
  [`${TRAFFIC}.headers`]: 'Request headers, matched by routes and hashed by consistent-hash load balancing.',
  [`${TRAFFIC}.keepAlive`]:
    "The application reuses its connections between requests. On a tcp-proxied port the sidecar picks a host per connection, so with keep-alive a connection's requests all go to one host.",
  [`${TRAFFIC}.connections`]:
    "HTTP ports: the application's lasting connections to the sidecar (one for a gRPC or HTTP/2 client). Each stays on the Envoy worker the kernel gave it, so its requests share that worker's pools and balancer; requests take the connections in turn. Absent: each request lands on a worker of its own.",
  [`${TRAFFIC}.rps`]: 'Open loop: requests per second, arriving as `arrivals` says. Give `rps` or `clients`.',
  [`${TRAFFIC}.clients`]:
    'Closed loop: this many clients, each sending its next request `thinkTime` after its last answer.',
  [`${TRAFFIC}.thinkTime`]:
    "Closed loop: the pause between an answer and a client's next request. Absent: 0s.",
  [`${TRAFFIC}.arrivals`]:
    'Open loop: `poisson` (exponential gaps, the default) or `constant` (evenly spaced).',
  [`${TRAFFIC}.bursts`]: 'Open loop: every `every`, for `length`, requests come at the burst rate instead.',
  [`${TRAFFIC}.bursts.every`]: 'Time from the start of one burst to the next.',
  [`${TRAFFIC}.bursts.length`]: 'How long each burst lasts, at most `every`.',
  [`${TRAFFIC}.bursts.rps`]: 'The rate during a burst.',
  [`${TRAFFIC}.ramp`]: 'Open loop: the rate moves linearly from `rps` to `to` over `over`, then stays there.',
  [`${TRAFFIC}.ramp.to`]: 'The rate at the end of the ramp; 0 stops the source.',
  [`${TRAFFIC}.ramp.over`]: 'How long the ramp takes.',
  [`${TRAFFIC}.diurnal`]:
    'Open loop: rate(t) = rps × (1 + amplitude × cos(2π (t − peak) / period)), a daily swing around `rps`.',
  [`${TRAFFIC}.diurnal.period`]: 'The length of one cycle.',
  [`${TRAFFIC}.diurnal.amplitude`]: 'How far the rate swings around `rps`, as a share of it, 0 to 1.',
  [`${TRAFFIC}.diurnal.peak`]: 'When in the cycle the rate peaks, from the start of the run.',
  [`${TRAFFIC}.routes`]:
    "A weighted mix of request shapes. Absent: every request is the source's path, method and headers.",
  [`${TRAFFIC}.routes[].path`]: "This shape's path. Absent: the source's.",
  [`${TRAFFIC}.routes[].method`]: "This shape's method. Absent: the source's.",
  [`${TRAFFIC}.routes[].headers`]: "This shape's headers. Absent: the source's.",
  [`${TRAFFIC}.routes[].weight`]:
    "This shape's share of the requests, relative to the other shapes' weights.",
  'spec.timeline':
    'Changes to the world at given simulated times, each to one endpoint, locality, DNS name or traffic source.',
  'spec.timeline[].at': 'When the change happens, from the start of the run.',
  'spec.timeline[].phase':
    'A label for the period that starts here, shown in the report; alone, it only marks the phase.',
  'spec.timeline[].endpoint': 'The endpoint address that changes.',
  'spec.timeline[].locality':
    'Every endpoint in this `region`, `region/zone` or `region/zone/subzone` changes.',
  'spec.timeline[].dns': 'The host of `spec.dns` whose answers change.',
  'spec.timeline[].traffic': 'The index into `spec.traffic` of the source that changes.',
  'spec.timeline[].set': 'The fields that change; the others keep their values.',
  'spec.timeline[].becomes':
    'Endpoint and locality only: the whole new behaviour; what it leaves out takes its default.',
  'spec.report': 'How the report is kept.',
  'spec.report.timelineBucket':
    'The width of a timeline bucket; widened for runs too long for 20,000 buckets, with a warning.',
  'spec.limits':
    'Bounds on one run, past which it stops with its report marked `partial` (and `meshsim run` exits 3) instead of running out of memory or time.',
  'spec.limits.maxRequestsInFlight':
    'Requests sent and not yet answered or timed out. Past it the run stops: requests that never finish (black holes without a timeout) or a backlog that only grows would otherwise fill memory. Each costs about 1 KiB.',
  'spec.limits.maxEvents':
    'Simulation events the run may fire. Absent: twice what its traffic, timers and timeline are expected to need (at least 1,000,000, at most 2·10^10); a run that spends it stops there.',
  'spec.expect':
    'Bounds on what the run shows; `meshsim run` and `meshsim test` exit 1 when one is not met. Each entry holds one kind of figure and `min`, `max` or both.',
  'spec.expect[].name': 'A label for the expectation in reports; absent: its own description.',
  'spec.expect[].errorRate':
    'The share of client requests answered 5xx or not at all (status 0), as a number 0..1 or a percentage (`1%`).',
  'spec.expect[].errorRate.min': 'The lowest share allowed.',
  'spec.expect[].errorRate.max': 'The highest share allowed.',
  'spec.expect[].status': 'The share of client requests answered with one status, or a class of them.',
  'spec.expect[].status.code':
    'An HTTP status 100..599, `0` for no answer (the connection closed), or a class such as `5xx`.',
  'spec.expect[].status.min': 'The lowest share allowed (0..1 or a percentage).',
  'spec.expect[].status.max': 'The highest share allowed (0..1 or a percentage).',
  'spec.expect[].flag': "The share of client requests carrying one of Envoy's response flags.",
  'spec.expect[].flag.name': 'The response flag: `UO`, `UH`, `UF`, `URX`, `UT`, `UC` …',
  'spec.expect[].flag.min': 'The lowest share allowed (0..1 or a percentage).',
  'spec.expect[].flag.max': 'The highest share allowed (0..1 or a percentage).',
  'spec.expect[].latency': "A percentile of the client's latency, its mean or its maximum.",
  'spec.expect[].latency.percentile': '`p50`, `p90`, `p99`, `p999`, `mean` or `max`.',
  'spec.expect[].latency.min': 'The shortest latency allowed, a duration such as `10ms`.',
  'spec.expect[].latency.max': 'The longest latency allowed, a duration such as `300ms`.',
  'spec.expect[].ejections': 'How many outlier ejections happened.',
  'spec.expect[].ejections.cluster':
    'Count only this cluster (`outbound|PORT|SUBSET|HOST`, or a service host); absent: every cluster.',
  'spec.expect[].ejections.host': 'Count only this host (`address` or `address:port`).',
  'spec.expect[].ejections.min': 'The fewest ejections allowed.',
  'spec.expect[].ejections.max': 'The most ejections allowed.',
  'spec.expect[].firstEjection':
    'When the first outlier ejection happened, in simulated time; a run with none counts as never.',
  'spec.expect[].firstEjection.cluster':
    'Look only at this cluster (`outbound|PORT|SUBSET|HOST`, or a service host).',
  'spec.expect[].firstEjection.host': 'Look only at this host (`address` or `address:port`).',
  'spec.expect[].firstEjection.min': 'The earliest time allowed, a duration.',
  'spec.expect[].firstEjection.max': 'The latest time allowed, a duration such as `30s`.',
  'spec.expect[].ejectedAtOnce': 'The most hosts of one cluster ejected at the same time.',
  'spec.expect[].ejectedAtOnce.cluster':
    'Look only at this cluster (`outbound|PORT|SUBSET|HOST`, or a service host).',
  'spec.expect[].ejectedAtOnce.min': 'The fewest hosts allowed.',
  'spec.expect[].ejectedAtOnce.max': 'The most hosts allowed.',
  'spec.expect[].breakerOpen':
    "How long one of a cluster's `circuit_breakers.default.*_open` gauges was 1; without `breaker`, the longest of them.",
  'spec.expect[].breakerOpen.breaker':
    'The gauge: `cx_open`, `rq_pending_open`, `rq_open` or `rq_retry_open`.',
  'spec.expect[].breakerOpen.cluster':
    'Look only at this cluster (`outbound|PORT|SUBSET|HOST`, or a service host).',
  'spec.expect[].breakerOpen.min': 'The shortest open time allowed, a duration.',
  'spec.expect[].breakerOpen.max': 'The longest open time allowed, a duration such as `1s`.',
  'spec.expect[].hostShare': "The share of its cluster's requests one host took.",
  'spec.expect[].hostShare.host': 'The host (`address` or `address:port`).',
  'spec.expect[].hostShare.cluster':
    'Its cluster (`outbound|PORT|SUBSET|HOST`, or a service host), when the host is in several.',
  'spec.expect[].hostShare.min': 'The lowest share allowed (0..1 or a percentage).',
  'spec.expect[].hostShare.max': 'The highest share allowed (0..1 or a percentage).',
  'spec.expect[].counter':
    "One of Envoy's cluster counters (`upstream_rq_retry`, `outlier_detection.ejections_overflow` …), summed over clusters.",
  'spec.expect[].counter.name': "The counter's name, as the report's cluster `stats` spell it.",
  'spec.expect[].counter.cluster':
    'Count only this cluster (`outbound|PORT|SUBSET|HOST`, or a service host).',
  'spec.expect[].counter.min': 'The lowest value allowed.',
  'spec.expect[].counter.max': 'The highest value allowed.',
  'spec.replications':
    'Run the Scenario on this many seeds (`seed`, `seed`+1 …) and judge each expectation on the mean, with a Student-t confidence interval: met when the whole interval is within the bounds, failed when it is wholly beyond one, not shown otherwise.',
  'spec.confidence':
    'The level of the confidence intervals replications are judged by, 0..1 or a percentage; absent: 95 %.',
};

/** The key of SCENARIO_FIELD_DOCS that describes `path` (flap `down` fields are endpoint fields). */
export function fieldDocKey(path: string): string {
  return path.replace(/^spec\.endpoints\.\*\.flap\.down\./, `${ENDPOINT}.`);
}
