import type { Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { Scenario, ScenarioSpec } from '../config/resources/schema/scenario.js';
import { isTcpProxied } from '../config/translate/port-protocol.js';
import { INTERNAL_ONLY_HEADERS } from '../envoy/internal-request.js';
import type { Listener } from './outbound-clusters.js';
import type { ScenarioValue } from './scenario-endpoints.js';
import { percent } from './scenario-values.js';
import { byDefault, setAt, writtenIn } from './values.js';

type TrafficSource = ScenarioSpec['traffic'][number];

/** One traffic source of the Scenario: where it sends, how much, on which connections, with which headers. */
export interface TrafficSourceExplanation {
  /** Its index in `spec.traffic`. */
  index: number;
  host: string;
  /** The port it sends to: its own, or its ServiceEntry's only one; null when neither says. */
  port: number | null;
  file: string;
  line: number;
  values: ScenarioValue[];
}

/** Why the sidecar drops the application's x-envoy-* controls (Istio's outbound listener, Envoy's HCM). */
const STRIPPED =
  "the sidecar removes it before routing: Istio's outbound listener sets use_remote_address false and no internal_address_config (pilot/pkg/networking/core/listener.go), so the request is not internal and Envoy's ConnectionManagerUtility::cleanInternalHeaders drops it; the route's own retries and timeouts apply";

/**
 * Every traffic source of the Scenario, each value with the line it was written at: its target (and the
 * cluster and port protocol it reaches there), rate and shape, request mix, the application's lasting
 * connections and how they pin to Envoy workers, its headers (the x-envoy-* controls the sidecar
 * removes), and its timeline changes. `listeners` are explain's host:port listeners; `clusterNames` its
 * clusters' names, indexed as the listeners index them.
 */
export function explainTrafficSources(
  scenario: Located<Scenario>,
  listeners: readonly Listener[],
  clusterNames: readonly string[],
): TrafficSourceExplanation[] {
  const spec = scenario.resource.spec;
  return spec.traffic.map((t, i) => {
    const base = ['spec', 'traffic', i];
    const own = listeners.filter((l) => l.host === t.host);
    const listener =
      t.port === undefined
        ? own.length === 1
          ? own[0]
          : undefined
        : own.find((l) => l.port.number === t.port);
    const protocol = listener === undefined ? null : (listener.port.protocol ?? 'HTTP').toUpperCase();
    const tcp = protocol !== null && isTcpProxied(protocol);
    const values = [
      targetValue(scenario, t, i, own, listener, clusterNames),
      ...loadValues(scenario, t, i),
      ...requestValues(scenario, t, i, tcp),
      ...connectionValues(scenario, t, i, tcp),
      ...timelineValues(scenario, i),
    ];
    return {
      index: i,
      host: t.host,
      port: t.port ?? listener?.port.number ?? null,
      file: scenario.file,
      line: scenario.positionOf(base).line,
      values,
    };
  });
}

/** A value written at `field` of traffic source `i`. */
function writer(scenario: Located<Scenario>, i: number) {
  return (field: FieldPath, value: string, note?: string): ScenarioValue => ({
    field: formatPath(field),
    ...setAt(scenario, ['spec', 'traffic', i, ...field], value, note),
  });
}

function targetValue(
  scenario: Located<Scenario>,
  t: TrafficSource,
  i: number,
  own: readonly Listener[],
  listener: Listener | undefined,
  clusterNames: readonly string[],
): ScenarioValue {
  const at = writer(scenario, i);
  if (own.length === 0)
    return at(
      ['host'],
      `${t.host}${t.port === undefined ? '' : `:${t.port}`}`,
      'no ServiceEntry the caller sees: the catch-all, PassthroughCluster under ALLOW_ANY, the 502 block_all route or BlackHoleCluster under REGISTRY_ONLY',
    );
  if (listener === undefined) {
    const ports = own.map((l) => l.port.number).join(', ');
    return at(
      ['port'],
      `${t.host}:${t.port ?? '?'}`,
      t.port === undefined
        ? `its ServiceEntry has ports ${ports}: traffic port must say which`
        : `not a port of its ServiceEntry (${ports})`,
    );
  }
  const protocol = (listener.port.protocol ?? 'HTTP').toUpperCase();
  const how = isTcpProxied(protocol)
    ? `${protocol} port: tcp-proxied, a host per connection, no HTTP route, retry or timeout`
    : `${protocol} port: the sidecar's HTTP router`;
  const reaches = `to ${clusterNames[listener.cluster]}; ${how}`;
  return at(
    t.port === undefined ? ['host'] : ['port'],
    `${t.host}:${listener.port.number}`,
    t.port === undefined ? `the ServiceEntry's only port, ${reaches}` : reaches,
  );
}

/** Open or closed loop, and the rate's shape. */
function loadValues(scenario: Located<Scenario>, t: TrafficSource, i: number): ScenarioValue[] {
  const at = writer(scenario, i);
  const out: ScenarioValue[] = [];
  if ('rps' in t) {
    const arrivals = t.arrivals ?? 'poisson';
    out.push(
      at(
        ['rps'],
        `${t.rps} rps, ${arrivals} arrivals`,
        arrivals === 'poisson'
          ? 'open loop: exponential gaps, whatever the answers'
          : 'open loop: evenly spaced',
      ),
    );
  } else {
    out.push(
      at(
        ['clients'],
        `${t.clients} clients, think time ${t.thinkTime.text}`,
        'closed loop: each sends its next request its think time after its answer',
      ),
    );
  }
  if (t.bursts !== undefined)
    out.push(
      at(['bursts'], `every ${t.bursts.every.text}, for ${t.bursts.length.text}, ${t.bursts.rps} rps`),
    );
  if (t.ramp !== undefined)
    out.push(at(['ramp'], `to ${t.ramp.to} rps over ${t.ramp.over.text}, then there`));
  if (t.diurnal !== undefined) {
    const d = t.diurnal;
    out.push(
      at(
        ['diurnal'],
        `±${percent(d.amplitude)} around the rate, every ${d.period.text}, peak at ${d.peak.text}`,
      ),
    );
  }
  return out;
}

/** The request, its weighted mix, and the headers the sidecar sees or removes. */
function requestValues(
  scenario: Located<Scenario>,
  t: TrafficSource,
  i: number,
  tcp: boolean,
): ScenarioValue[] {
  const at = writer(scenario, i);
  const written = (field: FieldPath) => writtenIn(scenario, ['spec', 'traffic', i, ...field]);
  const request = `${t.method} ${t.path}`;
  const unread = tcp ? 'a tcp-proxied port: the sidecar never reads the request' : undefined;
  const out: ScenarioValue[] = [
    written(['path']) || written(['method'])
      ? at(written(['path']) ? ['path'] : ['method'], request, unread)
      : { field: 'request', ...byDefault(request, 'meshsim default', unread) },
  ];
  out.push(...headerValues(scenario, t.headers, i, ['headers'], tcp));
  const routes = t.routes ?? [];
  const total = routes.reduce((s, r) => s + r.weight, 0);
  routes.forEach((r, j) => {
    const shape = `${r.method ?? t.method} ${r.path ?? t.path}, weight ${r.weight} (${percent(r.weight / total)})`;
    out.push(at(['routes', j], shape));
    if (r.headers !== undefined)
      out.push(...headerValues(scenario, r.headers, i, ['routes', j, 'headers'], tcp));
  });
  return out;
}

function headerValues(
  scenario: Located<Scenario>,
  headers: Readonly<Record<string, string>>,
  i: number,
  field: FieldPath,
  tcp: boolean,
): ScenarioValue[] {
  const at = writer(scenario, i);
  // The field is the map, the value names the header: a header name would crowd the field column.
  const named = (name: string, value: string, note?: string): ScenarioValue => ({
    ...at([...field, name], `${name}: ${value}`, note),
    field: formatPath(field),
  });
  return Object.entries(headers).map(([name, value]) => {
    if (tcp) return named(name, value, 'a tcp-proxied port: the sidecar never reads the request');
    return INTERNAL_ONLY_HEADERS.has(name.toLowerCase())
      ? named(name, `${value}, removed by the sidecar`, STRIPPED)
      : named(name, value);
  });
}

/** keepAlive, the application's lasting connections, and the workers they pin to. */
function connectionValues(
  scenario: Located<Scenario>,
  t: TrafficSource,
  i: number,
  tcp: boolean,
): ScenarioValue[] {
  const at = writer(scenario, i);
  const spec = scenario.resource.spec;
  const workers = spec.proxy.workers;
  const out: ScenarioValue[] = [];
  const keepAliveNote = tcp
    ? t.keepAlive
      ? "the sidecar picks a host per connection, so a kept-alive connection's requests all go to one host"
      : 'a connection, and a host, per request'
    : undefined;
  out.push(
    writtenIn(scenario, ['spec', 'traffic', i, 'keepAlive'])
      ? at(['keepAlive'], String(t.keepAlive), keepAliveNote)
      : { field: 'keepAlive', ...byDefault(String(t.keepAlive), 'meshsim default', keepAliveNote) },
  );
  if (tcp) return out;
  const workersPath = ['spec', 'proxy', 'workers'];
  const workersText = `${workers} (proxy.workers)`;
  const workersNote = 'Envoy worker threads: each has its own pools and balancer';
  out.push(
    writtenIn(scenario, workersPath)
      ? { field: 'workers', ...setAt(scenario, workersPath, workersText, workersNote) }
      : {
          field: 'workers',
          ...byDefault(workersText, 'meshsim default', `${workersNote}; Istio sets as many as the CPU limit`),
        },
  );
  out.push(
    t.connections === undefined
      ? {
          field: 'connections',
          ...byDefault(
            'none kept',
            'meshsim default',
            'each request lands on a worker of its own, drawn uniformly per request',
          ),
        }
      : at(['connections'], `${t.connections} on ${workers} workers`, pinningNote(t.connections, workers)),
  );
  return out;
}

/**
 * How N lasting connections spread over W workers: the kernel's SO_REUSEPORT hash gives each one a
 * worker (Istio sets no connection_balance_config), a uniform draw per connection fixed for the run.
 */
export function pinningNote(n: number, w: number): string {
  const why =
    'each stays on the worker the kernel hashed it to when it opened (Istio sets no connection_balance_config): a uniform draw per connection, fixed for the run; requests take the connections in turn';
  if (w === 1) return `${why}; one worker holds them all`;
  if (n === 1)
    return `${why}; one connection: every request uses one worker's pools and balancer, the other ${w - 1} stay idle`;
  const allOnOne = w ** (1 - n);
  const used = w * (1 - (1 - 1 / w) ** n);
  return `${why}; all ${n} share one worker with probability ${+allOnOne.toPrecision(3)}, and on average ${+used.toFixed(2)} of the ${w} workers get one`;
}

/** The timeline entries that change this source. */
function timelineValues(scenario: Located<Scenario>, i: number): ScenarioValue[] {
  const out: ScenarioValue[] = [];
  scenario.resource.spec.timeline.forEach((e, k) => {
    if (!('traffic' in e) || e.traffic !== i) return;
    const s = e.set;
    const parts = [
      s.rps === undefined ? '' : `rps ${s.rps}`,
      s.arrivals === undefined ? '' : `arrivals ${s.arrivals}`,
      s.bursts === undefined
        ? ''
        : `bursts every ${s.bursts.every.text} for ${s.bursts.length.text} at ${s.bursts.rps} rps`,
      s.ramp === undefined ? '' : `ramp to ${s.ramp.to} rps over ${s.ramp.over.text}`,
      s.diurnal === undefined ? '' : `diurnal ±${percent(s.diurnal.amplitude)}`,
      s.clients === undefined ? '' : `clients ${s.clients}`,
      s.thinkTime === undefined ? '' : `thinkTime ${s.thinkTime.text}`,
    ].filter((p) => p !== '');
    out.push({
      field: `timeline[${k}] at ${e.at.text}`,
      ...setAt(
        scenario,
        ['spec', 'timeline', k],
        parts.join(', ') || 'no change to the load',
        e.phase === undefined ? undefined : `phase "${e.phase}"`,
      ),
    });
  });
  return out;
}
