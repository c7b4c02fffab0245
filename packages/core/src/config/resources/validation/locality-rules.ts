import type { LocalityLoadBalancerSetting } from '../schema/load-balancer.js';
import type { RuleReport } from './report.js';

// Istio's ValidateLocalityLbSetting and ValidateZoneAwareLbSetting (validation/agent).

const TOPOLOGY_LABELS: ReadonlySet<string> = new Set([
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
]);

interface Failover {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Localities must not overlap: `a`, then `a/b`, is an error, as is a second `*` entry or a
 * wildcard anywhere but at the end.
 */
export function localitiesProblem(localities: readonly string[]): string | undefined {
  const regions = new Map<string, Map<string, Set<string>>>();
  const overlap = (locality: string) => `locality ${locality} overlap with previous specified ones`;
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) {
      return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    }
    if (regions.has('*')) return overlap(locality);
    const items = locality.split('/');
    const parts = items.length > 3 ? [items[0], items[1], items.slice(2).join('/')] : items;
    if (parts.some((part) => part === ''))
      return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region = '', zone = '', subzone = ''] = parts;
    const zones = regions.get(region);
    if (parts.length === 1) {
      if (zones !== undefined) return overlap(locality);
      regions.set(region, new Map([['*', new Set(['*'])]]));
    } else if (zones === undefined) {
      regions.set(region, new Map([[zone, new Set([parts.length === 2 ? '*' : subzone])]]));
    } else if (zones.has('*')) {
      return overlap(locality);
    } else if (parts.length === 2) {
      if (zones.has(zone)) return overlap(locality);
      zones.set(zone, new Set(['*']));
    } else {
      const subzones = zones.get(zone);
      if (subzones === undefined) zones.set(zone, new Set([subzone]));
      else if (subzones.has('*') || subzones.has(subzone)) return overlap(locality);
      else subzones.add(subzone);
    }
  }
  return undefined;
}

function checkFailover(
  report: RuleReport,
  failover: readonly Failover[],
  what: string,
  onlyRegion: string,
): void {
  failover.forEach((entry, i) => {
    const from = entry.from ?? '';
    const to = entry.to ?? '';
    if (from === to) report.error([i], `${what} failover settings must specify different regions`);
    if (from.includes('/') || to.includes('/')) report.error([i], onlyRegion);
    if (from.includes('*') || to.includes('*'))
      report.error([i], `${what} failover region should not contain '*' wildcard`);
  });
}

export function checkLocalityLbSetting(
  report: RuleReport,
  setting: LocalityLoadBalancerSetting | undefined,
  hasOutlierDetection: boolean,
): void {
  if (setting === undefined) return;
  const distribute = setting.distribute ?? [];
  const failover = setting.failover ?? [];
  const priority = setting.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    report.error(['distribute'], "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (failover.length > 0) {
    const topology = priority.findIndex((label) => TOPOLOGY_LABELS.has(label));
    if (topology >= 0) {
      report.error(
        ['failoverPriority', topology],
        `can not simultaneously set 'failover' and topology label '${priority[topology]}' in 'failover_priority'`,
      );
      return;
    }
  }
  for (const [i, entry] of distribute.entries()) {
    let total = 0;
    for (const [locality, weight] of Object.entries(entry.to ?? {})) {
      if (weight <= 0 || weight > 100) {
        report.error(['distribute', i, 'to', locality], 'locality weight must be in range [1, 100]');
        return;
      }
      total += weight;
    }
    if (total !== 100) {
      report.error(['distribute', i, 'to'], `total locality weight ${total} != 100`);
      return;
    }
    report.check(['distribute', i, 'to'], localitiesProblem(Object.keys(entry.to ?? {})));
  }
  report.check(['distribute'], localitiesProblem(distribute.map((entry) => entry.from ?? '')));
  if ((failover.length > 0 || priority.length > 0) && !hasOutlierDetection) {
    report.warn([], 'outlier detection policy must be provided for failover');
  }
  checkFailover(report.at('failover'), failover, 'locality lb', 'locality lb failover only specify region');
}

export function checkZoneAwareLbSetting(
  report: RuleReport,
  setting: { failover?: Failover[] | undefined; failoverPriority?: string[] | undefined } | undefined,
  hasOutlierDetection: boolean,
): void {
  if (setting === undefined) return;
  const priority = setting.failoverPriority ?? [];
  const failover = setting.failover ?? [];
  priority.forEach((label, i) => {
    if (TOPOLOGY_LABELS.has(label)) {
      report.error(
        ['failoverPriority', i],
        `'failover_priority' for zone aware lb must not use topology label '${label}'; region- and zone-level routing are handled automatically`,
      );
    }
  });
  if ((failover.length > 0 || priority.length > 0) && !hasOutlierDetection) {
    report.warn([], 'outlier detection policy must be provided for failover');
  }
  checkFailover(
    report.at('failover'),
    failover,
    'zone aware lb',
    'zone aware lb failover only specifies region; zone and subzone failover are handled automatically',
  );
}
