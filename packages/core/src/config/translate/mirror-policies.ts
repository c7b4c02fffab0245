import type { MirrorPolicyModel } from '../../envoy/route.js';
import type { Located } from '../resources/load.js';
import type { Destination, HTTPRoute } from '../resources/schema/http-route.js';
import type { VirtualService } from '../resources/schema/virtual-service.js';

/** The route translation's cluster resolver and note sink (declared in http-routes.ts, which imports this). */
type Resolve = (host: string, port: number | undefined, subset: string) => number | null;
type Note = (vs: Located<VirtualService>, path: ReadonlyArray<string | number>, message: string) => void;

/**
 * Istio's MirrorPercent: `mirrorPercentage` (a Percent, to millionths, truncated), else the deprecated
 * integer `mirrorPercent` (hundredths), else 100 %; an explicit 0 emits no mirror policy at all.
 */
export function mirrorPerMillion(percentage: { value: number } | undefined, integer?: number): number {
  if (percentage !== undefined) return Math.trunc(percentage.value * 10000);
  if (integer !== undefined) return integer * 10000;
  return 1_000_000;
}

/** A mirror as written: its destination, its share, and where both are (`percentPath` null: unset). */
export interface WrittenMirror {
  destination: Destination;
  perMillion: number;
  path: Array<string | number>;
  percentPath: Array<string | number> | null;
}

/**
 * The mirrors istiod turns into request_mirror_policies (route.go): `mirror`, then each of `mirrors`;
 * one with an explicit 0 % gets no policy at all.
 */
export function writtenMirrors(r: HTTPRoute, at: ReadonlyArray<string | number>): WrittenMirror[] {
  const wanted: WrittenMirror[] = [];
  if (r.mirror !== undefined) {
    const field =
      r.mirrorPercentage !== undefined
        ? 'mirrorPercentage'
        : r.mirrorPercent !== undefined
          ? 'mirrorPercent'
          : null;
    wanted.push({
      destination: r.mirror,
      perMillion: mirrorPerMillion(r.mirrorPercentage, r.mirrorPercent),
      path: [...at, 'mirror'],
      percentPath: field === null ? null : [...at, field],
    });
  }
  (r.mirrors ?? []).forEach((m, i) => {
    wanted.push({
      destination: m.destination,
      perMillion: mirrorPerMillion(m.percentage),
      path: [...at, 'mirrors', i, 'destination'],
      percentPath: m.percentage === undefined ? null : [...at, 'mirrors', i, 'percentage'],
    });
  });
  return wanted.filter((m) => m.perMillion > 0);
}

/**
 * The route's request_mirror_policies, one per written mirror with a share. A mirror whose host the
 * caller does not know names a cluster Envoy lacks (cluster -1), and its shadow writer sends nothing.
 */
export function mirrorPoliciesOf(
  vs: Located<VirtualService>,
  r: HTTPRoute,
  at: ReadonlyArray<string | number>,
  resolve: Resolve,
  note: Note,
): MirrorPolicyModel[] {
  return writtenMirrors(r, at).map(({ destination, perMillion, path }) => {
    const cluster = resolve(destination.host, destination.port?.number, destination.subset ?? '');
    if (cluster === null) {
      note(
        vs,
        path,
        `mirror ${destination.host} names a cluster this sidecar does not have, so Envoy's shadow writer sends nothing`,
      );
    }
    return { cluster: cluster ?? -1, perMillion };
  });
}
