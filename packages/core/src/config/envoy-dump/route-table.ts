import type {
  DumpFilterChain,
  DumpListener,
  DumpRoute,
  DumpRouteConfig,
  DumpRouteMatch,
  DumpVirtualHost,
  EnvoyDump,
} from './dump-model.js';
import { regexMatches, stringMatches } from './string-match.js';

/** An application request as a sidecar's route table sees it. */
export interface DumpRequest {
  host: string;
  port: number;
  path: string;
  method: string;
  headers: Readonly<Record<string, string>>;
}

/** The virtual host for an authority (Envoy's findVirtualHost): exact, then `*.suffix`, then `prefix.*`, then `*`. */
export function virtualHostFor(rc: DumpRouteConfig, authority: string): DumpVirtualHost | null {
  const host = authority.toLowerCase();
  let best: { vh: DumpVirtualHost; rank: number; length: number } | null = null;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      const rank =
        d === host
          ? 3
          : d.startsWith('*') && d !== '*' && host.endsWith(d.slice(1)) && host.length > d.length - 1
            ? 2
            : d.endsWith('*') && d !== '*' && host.startsWith(d.slice(0, -1)) && host.length > d.length - 1
              ? 1
              : d === '*'
                ? 0
                : -1;
      if (rank < 0) continue;
      if (best === null || rank > best.rank || (rank === best.rank && d.length > best.length))
        best = { vh, rank, length: d.length };
    }
  }
  return best?.vh ?? null;
}

const lowerKeys = (h: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Whether a RouteMatch takes the request: its path condition, every header and query parameter. */
export function routeMatches(m: DumpRouteMatch, req: DumpRequest): boolean {
  const [pathOnly = '', query = ''] = req.path.split('?', 2);
  const path = m.caseSensitive ? pathOnly : pathOnly.toLowerCase();
  const fold = (s: string) => (m.caseSensitive ? s : s.toLowerCase());
  if (m.prefix !== undefined) {
    if (!path.startsWith(fold(m.prefix))) return false;
  } else if (m.path !== undefined) {
    if (path !== fold(m.path)) return false;
  } else if (m.regex !== undefined) {
    if (!regexMatches(m.regex, pathOnly)) return false;
  } else if (m.pathSeparatedPrefix !== undefined) {
    const p = fold(m.pathSeparatedPrefix);
    if (path !== p && !path.startsWith(`${p}/`)) return false;
  } else {
    return false;
  }
  const headers: Record<string, string> = {
    ...lowerKeys(req.headers),
    ':method': req.method,
    ':path': req.path,
    ':authority': req.host,
  };
  for (const h of m.headers) {
    const value = headers[h.name];
    let ok =
      value === undefined
        ? h.present === false
        : h.present !== undefined
          ? h.present
          : h.match === undefined || stringMatches(h.match, value);
    if (h.invert) ok = !ok;
    if (!ok) return false;
  }
  const params = new URLSearchParams(query);
  for (const q of m.queryParameters) {
    const value = params.get(q.name);
    if (value === null) return false;
    if (q.match !== undefined && !stringMatches(q.match, value)) return false;
  }
  return true;
}

/** The first route of the virtual host that takes the request, or null (404 NR). */
export function routeFor(vh: DumpVirtualHost, req: DumpRequest): DumpRoute | null {
  return vh.routes.find((r) => routeMatches(r.match, req)) ?? null;
}

/** Where a connection to `address:port` lands, and whether the application is taken to speak TLS there. */
export type ListenerChoice =
  | { listener: DumpListener; chain: DumpFilterChain; appTls: boolean }
  | { listener: null; reason: string };

const ipv4 = (a: string): number | null => {
  const p = a.split('.').map(Number);
  return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x < 256)
    ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
    : null;
};

function inPrefix(address: string | null, prefix: { address: string; prefixLen: number }): boolean {
  if (address === null) return false;
  const a = ipv4(address);
  const p = ipv4(prefix.address);
  if (a === null || p === null) return address === prefix.address;
  const mask = prefix.prefixLen === 0 ? 0 : (~0 << (32 - prefix.prefixLen)) >>> 0;
  return (a & mask) === (p & mask);
}

const serverNameMatches = (name: string, sni: string): boolean =>
  name === sni || (name.startsWith('*.') && sni.endsWith(name.slice(1)));

/**
 * Envoy's filter chain selection, one criterion after another (destination port, destination IP, server
 * name, transport protocol, application protocol): at each, the chains that name the connection's value
 * win over those that leave it open; a chain naming another value is out.
 */
export function chainFor(
  l: DumpListener,
  port: number,
  address: string | null,
  sni: string | null,
): DumpFilterChain | null {
  const appTls = sni !== null;
  let chains = l.chains;
  const narrow = (specific: (c: DumpFilterChain) => boolean | null) => {
    const named = chains.filter((c) => specific(c) === true);
    chains = named.length > 0 ? named : chains.filter((c) => specific(c) === null);
  };
  narrow((c) => (c.match.destinationPort === null ? null : c.match.destinationPort === port));
  narrow((c) =>
    c.match.prefixRanges.length === 0 ? null : c.match.prefixRanges.some((p) => inPrefix(address, p)),
  );
  narrow((c) =>
    c.match.serverNames.length === 0
      ? null
      : sni !== null && c.match.serverNames.some((n) => serverNameMatches(n, sni)),
  );
  narrow((c) =>
    c.match.transportProtocol === '' ? null : c.match.transportProtocol === (appTls ? 'tls' : 'raw_buffer'),
  );
  narrow((c) =>
    c.match.applicationProtocols.length === 0
      ? null
      : !appTls && c.match.applicationProtocols.includes('http/1.1'),
  );
  return chains[0] ?? l.defaultChain;
}

/** A chain that only a TLS connection with this SNI selects: the application must speak TLS to it. */
function tlsOnly(l: DumpListener, host: string): boolean {
  return l.chains.some((c) => c.match.serverNames.some((n) => serverNameMatches(n, host.toLowerCase())));
}

/**
 * The listener and filter chain a connection to `host` (resolved to `address`, null when unknown) on
 * `port` reaches: a listener bound to that address and port, else one bound to 0.0.0.0 (or ::) on the
 * port, else the catch-all listener with use_original_dst (Istio's virtualOutbound). The application is
 * taken to speak TLS (SNI = host) when a chain of the listener matches that server name.
 */
export function listenerFor(
  dump: EnvoyDump,
  host: string,
  port: number,
  address: string | null,
): ListenerChoice {
  const outbound = dump.listeners.filter((l) => !l.inbound);
  const exact = outbound.find((l) => l.port === port && address !== null && l.address === address);
  const wildcard = outbound.find((l) => l.port === port && (l.address === '0.0.0.0' || l.address === '::'));
  const catchAll = outbound.find((l) => l.useOriginalDst);
  const listener = exact ?? wildcard ?? catchAll;
  if (listener === undefined) {
    const bound = outbound.filter((l) => l.port === port).map((l) => `${l.address}:${l.port}`);
    return {
      listener: null,
      reason:
        bound.length > 0
          ? `only listeners bound to ${bound.join(', ')} take port ${port}, and ${host} does not resolve to one of them (say where it resolves in the Scenario's dns, or name the address as the traffic host)`
          : `no listener of the dump takes port ${port}`,
    };
  }
  const appTls = tlsOnly(listener, host);
  const chain = chainFor(listener, port, address, appTls ? host.toLowerCase() : null);
  if (chain === null)
    return {
      listener: null,
      reason: `no filter chain of listener ${listener.name} takes a ${appTls ? 'TLS' : 'plaintext'} connection to ${host}:${port}`,
    };
  return { listener, chain, appTls };
}
