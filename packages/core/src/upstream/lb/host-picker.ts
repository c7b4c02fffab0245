import type { Host } from '../host.js';
import type { RequestHash } from './uint64.js';

/**
 * One load-balancing algorithm over one host source: the hosts of one priority (healthy, degraded,
 * one locality, or all of them in panic) that the caller's priority/locality selection chose, as
 * Envoy's `HostsSource` does. Priority and locality selection stay with the caller.
 *
 * `refresh` runs on membership or health changes and may allocate; `pick` runs per attempt and
 * allocates nothing.
 */
export interface HostPicker {
  /**
   * Rebuilds the state for a new host list (Envoy rebuilds schedulers and rings on every update).
   * `normalizedWeights`, for RING_HASH and MAGLEV under locality-weighted balancing, replaces each
   * host's weight / Σ weights with Envoy's locality-normalized weight; other pickers ignore it.
   */
  refresh(hosts: readonly Host[], nowMs: number, normalizedWeights?: Float64Array | null): void;
  /**
   * One pick. `hash` is the request's hash from its hash policy, or null when there is none; only
   * RING_HASH and MAGLEV read it. `nowMs` feeds slow start. Null when the source has no host.
   */
  pick(hash: RequestHash | null, nowMs: number): Host | null;
}

/** Envoy's `Address::Instance::asString()` for an IP host: `ip:port`, IPv6 in brackets. */
export function envoyAddressString(host: Host): string {
  return host.address.includes(':') ? `[${host.address}]:${host.port}` : `${host.address}:${host.port}`;
}

/** Envoy's `hostWeightsAreEqual`: true for zero or one host, or when every weight matches the first. */
export function hostWeightsAreEqual(hosts: readonly Host[]): boolean {
  if (hosts.length <= 1) return true;
  const weight = hosts[0]!.weight;
  for (let i = 1; i < hosts.length; i++) if (hosts[i]!.weight !== weight) return false;
  return true;
}
