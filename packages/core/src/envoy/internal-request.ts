// Whether the HTTP connection manager takes a request as internal, and what it removes when it does not
// (Envoy source/common/http/conn_manager_utility.cc: mutateRequestHeaders, cleanInternalHeaders).

/** The request headers cleanInternalHeaders removes from a request that is not internal (lower case). */
export const INTERNAL_ONLY_HEADERS: ReadonlySet<string> = new Set([
  'x-envoy-retriable-status-codes',
  'x-envoy-retriable-header-names',
  'x-envoy-retry-on',
  'x-envoy-retry-grpc-on',
  'x-envoy-max-retries',
  'x-envoy-upstream-alt-stat-name',
  'x-envoy-upstream-rq-timeout-ms',
  'x-envoy-upstream-rq-per-try-timeout-ms',
  'x-envoy-upstream-rq-timeout-alt-response',
  'x-envoy-expected-rq-timeout-ms',
  'x-envoy-force-trace',
  'x-envoy-ip-tags',
  'x-envoy-original-url',
  'x-envoy-hedge-on-per-try-timeout',
  // Removed from every request first, and set again only on an internal one.
  'x-envoy-internal',
]);

/** Removed besides from an edge request: not internal, with use_remote_address true. */
export const EDGE_ONLY_HEADERS: ReadonlySet<string> = new Set([
  'x-envoy-decorator-operation',
  'x-envoy-downstream-service-cluster',
  'x-envoy-downstream-service-node',
]);

/** An address block of internal_address_config.cidr_ranges. */
export interface CidrRange {
  address: string;
  prefixLen: number;
}

/** The HttpConnectionManager fields that decide whether a request is internal. */
export interface InternalRequestConfig {
  useRemoteAddress: boolean;
  xffNumTrustedHops: number;
  /** internal_address_config: null when absent; with no cidr_ranges it trusts the private ranges. */
  internalAddressConfig: { cidrRanges: readonly CidrRange[] } | null;
  /**
   * Without internal_address_config, Envoy 1.33 and later trust no address (DefaultInternalAddressConfig
   * with explicit_internal_address_config on); earlier ones trust the private ranges.
   */
  trustsNothingByDefault: boolean;
}

/** Whether the request is internal, why (one clause), and what meshsim had to assume to say so. */
export interface InternalRequestVerdict {
  internal: boolean;
  because: string;
  assumed?: string;
}

/** An IP address as a number and its family; null when `text` is none. */
function parseIp(text: string): { v6: boolean; value: bigint } | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { v6: false, value: parts.reduce((s, p) => (s << 8n) | BigInt(p), 0n) };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    for (const g of half.split(':')) {
      if (g.includes('.')) {
        const tail = parseIp(g);
        if (tail === null || tail.v6) return null;
        out.push(Number(tail.value >> 16n), Number(tail.value & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(Number.parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return { v6: true, value: all.reduce((s, g) => (s << 16n) | BigInt(g), 0n) };
}

/**
 * Network::Utility::isInternalAddress: 10/8, 172.16/12, 192.168/16 and 127.0.0.1 (the loopback address
 * itself); for IPv6 the locally assigned fd00::/8 and ::1.
 */
export function isPrivateAddress(text: string): boolean {
  const ip = parseIp(text);
  if (ip === null) return false;
  if (ip.v6) return ip.value >> 120n === 0xfdn || ip.value === 1n;
  const a = Number(ip.value >> 24n);
  const b = Number((ip.value >> 16n) & 0xffn);
  return (
    a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || ip.value === 0x7f000001n
  );
}

/** Whether `text` is inside `range` (same family, same leading prefixLen bits). */
export function inCidrRange(text: string, range: CidrRange): boolean {
  const ip = parseIp(text);
  const base = parseIp(range.address);
  if (ip === null || base === null || ip.v6 !== base.v6) return false;
  const bits = BigInt((ip.v6 ? 128 : 32) - Math.min(range.prefixLen, ip.v6 ? 128 : 32));
  return ip.value >> bits === base.value >> bits;
}

const cidrText = (ranges: readonly CidrRange[]) =>
  ranges.map((r) => `${r.address}/${r.prefixLen}`).join(', ');

/** InternalAddressConfig::isInternalAddress for the config, and the rule it applied, in words. */
function trusts(config: InternalRequestConfig, address: string): { yes: boolean; rule: string } {
  const explicit = config.internalAddressConfig;
  if (explicit === null) {
    return config.trustsNothingByDefault
      ? { yes: false, rule: 'without internal_address_config Envoy 1.33 and later trust no address' }
      : {
          yes: isPrivateAddress(address),
          rule: 'without internal_address_config Envoy before 1.33 trusts RFC1918 and loopback addresses',
        };
  }
  if (explicit.cidrRanges.length === 0)
    return {
      yes: isPrivateAddress(address),
      rule: 'internal_address_config without cidr_ranges trusts RFC1918 and loopback addresses',
    };
  return {
    yes: explicit.cidrRanges.some((r) => inCidrRange(address, r)),
    rule: `internal_address_config trusts ${cidrText(explicit.cidrRanges)}`,
  };
}

/**
 * Utility::getLastAddressFromXFF: the address `skip` entries from the end of X-Forwarded-For, and whether
 * it is the header's only one (then trusted address checks apply).
 */
function lastXffAddress(xff: string, skip: number): { address: string | null; single: boolean } {
  let rest = xff;
  for (let i = 0; i < skip; i++) {
    const comma = rest.lastIndexOf(',');
    if (comma < 0) return { address: null, single: false };
    rest = rest.slice(0, comma);
  }
  const comma = rest.lastIndexOf(',');
  const last = (comma < 0 ? rest : rest.slice(comma + 1)).trim();
  return { address: parseIp(last) === null ? null : last, single: comma < 0 && skip === 0 };
}

/**
 * ConnectionManagerUtility::mutateRequestHeaders' verdict for a request the application sends with
 * `headers`. With use_remote_address the peer's address decides, which for a sidecar is the application's
 * pod address: meshsim does not know it and takes it to be a private one (Kubernetes pod ranges are).
 * Without it the default XFF detection decides: the single X-Forwarded-For address, if there is one.
 */
export function internalRequestVerdict(
  config: InternalRequestConfig,
  headers: Readonly<Record<string, string>>,
): InternalRequestVerdict {
  const xffKey = Object.keys(headers).find((k) => k.toLowerCase() === 'x-forwarded-for');
  const xff = xffKey === undefined ? undefined : headers[xffKey]!;
  if (config.useRemoteAddress) {
    if (xff !== undefined)
      return {
        internal: false,
        because: 'use_remote_address is true and the request already carries X-Forwarded-For',
      };
    const { yes, rule } = trusts(config, '10.0.0.1');
    const explicit = config.internalAddressConfig;
    const loopbackOnly =
      explicit !== null &&
      explicit.cidrRanges.length > 0 &&
      explicit.cidrRanges.every((r) => inCidrRange('127.0.0.1', r) || inCidrRange('::1', r));
    if (loopbackOnly)
      return {
        internal: false,
        because: `use_remote_address is true and ${rule}, but the application connects from its pod address`,
      };
    const ranged = explicit !== null && explicit.cidrRanges.length > 0;
    return {
      internal: ranged || yes,
      because: `use_remote_address is true and ${rule}`,
      ...(ranged || yes
        ? {
            assumed: ranged
              ? "the application's pod address is taken to be inside cidr_ranges (meshsim does not know it)"
              : "the application's pod address is taken to be a private one (meshsim does not know it)",
          }
        : {}),
    };
  }
  if (xff === undefined)
    return { internal: false, because: 'use_remote_address is false and the request has no X-Forwarded-For' };
  const { address, single } = lastXffAddress(xff, config.xffNumTrustedHops);
  if (address === null || !single)
    return {
      internal: false,
      because: 'use_remote_address is false and X-Forwarded-For does not hold a single address',
    };
  const { yes, rule } = trusts(config, address);
  return {
    internal: yes,
    because: `use_remote_address is false, X-Forwarded-For holds the single address ${address}, and ${rule}`,
  };
}
