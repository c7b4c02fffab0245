import { isIP } from 'node:net';

// Host, label and address checks as Istio's pkg/config/labels and validation/agent define them.

const DNS1123_LABEL_MAX = 63;
const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** `*`, or a DNS-1123 label optionally prefixed by `*` or `*-`. */
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export const isDns1123Label = (value: string): boolean =>
  value.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(value);

const isWildcardDns1123Label = (value: string): boolean =>
  value.length <= DNS1123_LABEL_MAX && WILDCARD_LABEL.test(value);

/** Go's strconv.Atoi: an optional sign and decimal digits, within int64. */
export function goAtoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function dns1123Preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${JSON.stringify(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** Every dot-separated label valid, a trailing dot allowed, the last label not all digits. */
function dns1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1] ?? '';
  if (goAtoi(top) !== undefined) {
    return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(top)} cannot be all-numeric)`;
  }
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDns1123Label(label))
      return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(label)} invalid)`;
  }
  return undefined;
}

/** Istio's ValidateFQDN: a DNS name with no wildcard (short names allowed). */
export function validateFqdn(fqdn: string): string | undefined {
  return dns1123Preconditions(fqdn) ?? dns1123Labels(fqdn);
}

/** Istio's ValidateWildcardDomain: an FQDN whose first label may carry a `*` prefix. */
export function validateWildcardDomain(domain: string): string | undefined {
  const precondition = dns1123Preconditions(domain);
  if (precondition !== undefined) return precondition;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDns1123Label(first)) {
    return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  }
  return dot < 0 ? undefined : dns1123Labels(domain.slice(dot + 1));
}

/** Only `*` alone or a `*.` prefix may carry a wildcard. */
export function validatePartialWildcard(host: string): string | undefined {
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) {
    return `partial wildcard ${JSON.stringify(host)} not allowed`;
  }
  return undefined;
}

/** Go's netip.ParseAddr: dotted-quad IPv4 without leading zeros, or IPv6 (with an optional zone). */
export const isIpAddress = (address: string): boolean => isIP(address) !== 0;

export function validateIpAddress(address: string): string | undefined {
  return isIpAddress(address) ? undefined : `${address} is not a valid IP`;
}

/** Istio's ValidateIPSubnet: an address, or `address/bits` as netip.ParsePrefix reads it. */
export function validateIpSubnet(subnet: string): string | undefined {
  const parts = subnet.split('/');
  if (parts.length !== 2) return validateIpAddress(subnet);
  const [address = '', bits = ''] = parts;
  const family = address.includes('%') ? 0 : isIP(address);
  const max = family === 4 ? 32 : 128;
  const validBits = /^(?:0|[1-9]\d{0,2})$/.test(bits) && Number(bits) <= max;
  return family !== 0 && validBits ? undefined : `${subnet} is not a valid CIDR block`;
}

export function validatePort(port: number): string | undefined {
  return port >= 1 && port <= 65_535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

const isWildcarded = (host: string): boolean => host.startsWith('*');

/** Istio's host.Name.Matches: the two hosts (either may be a wildcard) have a name in common. */
export function hostsMatch(a: string, b: string): boolean {
  if (isWildcarded(a)) {
    if (isWildcarded(b))
      return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
    return b.endsWith(a.slice(1));
  }
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's host.Name.SubsetOf: every name `a` covers is covered by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (isWildcarded(a)) {
    if (!isWildcarded(b) || a.length < b.length) return false;
    return a.slice(1).endsWith(b.slice(1));
  }
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}
