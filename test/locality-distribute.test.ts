import {
  ConfigError,
  explainConfig,
  formatExplanationTable,
  loadConfig,
  type SimulationSpec,
  simulate,
} from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { applyDistribute, localityMatches } from '../packages/core/src/config/translate/locality-weights.js';
import { dbEntryYaml } from './fixtures/db-entry.js';

const Z_999 = 3.2905267314919255;
const CLUSTER = 'outbound|80||db.example.com';
const CALLER = 'us-east-1/us-east-1a';

/** Binomial 99.9 % half-width for a share p measured over n independent requests. */
const bound = (p: number, n: number) => Z_999 * Math.sqrt((p * (1 - p)) / n);

interface Endpoint {
  address: string;
  locality: string;
  weight?: number;
}

/** A STATIC ServiceEntry with these endpoints and a DestinationRule whose loadBalancer is `lb`. */
function yaml(endpoints: readonly Endpoint[], lb: string, extra = ''): string {
  const eps = endpoints
    .map(
      (e) =>
        `    - { address: ${e.address}, locality: ${e.locality}${e.weight === undefined ? '' : `, weight: ${e.weight}`} }`,
    )
    .join('\n');
  return dbEntryYaml(eps.split('\n'), `    loadBalancer:\n${lb}\n${extra}`);
}

const DISTRIBUTE_80_20 = `      localityLbSetting:
        distribute:
          - from: us-east-1/*
            to: { "us-east-1/*": 80, "eu-west-1/*": 20 }`;

/** Ejects a host on its first 5xx for the rest of the run, with no cap. */
const EJECT_AT_ONCE =
  '    outlierDetection: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1h, maxEjectionPercent: 100 }';

function run(config: string, endpoints: SimulationSpec['endpoints'] = {}, locality = CALLER) {
  return simulate({
    config,
    seed: 23,
    duration: '100s',
    proxy: { locality },
    traffic: { host: 'db.example.com', rps: 200 },
    endpoints: { '*': { latency: { constant: '2ms' } }, ...endpoints },
  });
}

/** Requests each locality's hosts received. */
function byLocality(r: ReturnType<typeof run>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of r.clusters[CLUSTER]!.hosts) out[h.locality] = (out[h.locality] ?? 0) + h.rqTotal;
  return out;
}

describe("Istio's applyLocalityWeights (distribute → LocalityLbEndpoints weights)", () => {
  it('LocalityMatch: the region must match or be *, a missing or * zone/subzone matches anything', () => {
    expect(localityMatches('us-east-1/us-east-1a', 'us-east-1/*')).toBe(true);
    expect(localityMatches('us-east-1/us-east-1a', 'us-east-1')).toBe(true);
    expect(localityMatches('us-east-1/us-east-1a/s1', 'us-east-1/us-east-1a')).toBe(true);
    expect(localityMatches('us-east-1/us-east-1a', 'us-east-1/us-east-1b')).toBe(false);
    expect(localityMatches('eu-west-1/eu-west-1a', 'us-east-1/*')).toBe(false);
    expect(localityMatches('', '*')).toBe(true);
    expect(localityMatches('', 'us-east-1/*')).toBe(false);
  });

  it('splits a key over the localities it matches by their group weights, rounding up; the rest are dropped', () => {
    // Group weights are sums of endpoint weights: us-east-1a 2, us-east-1b 1, eu-west-1a 2, ap 1.
    const groups = new Map([
      ['us-east-1/us-east-1a', 2],
      ['us-east-1/us-east-1b', 1],
      ['eu-west-1/eu-west-1a', 2],
      ['ap-southeast-1/ap-southeast-1a', 1],
    ]);
    const out = applyDistribute(CALLER, groups, [
      { from: 'us-east-1/*', to: { 'us-east-1/*': 80, 'eu-west-1/*': 20 } },
    ]);
    // us-east-1/* matches weights 2 and 1 (Σ 3): ceil(2·80/3) = ceil(53.3) = 54, ceil(1·80/3) = ceil(26.7) = 27;
    // eu-west-1/* matches one group: ceil(2·20/2) = 20. ap-southeast-1 matches no key: dropped.
    expect(Object.fromEntries(out!.weights)).toEqual({
      'us-east-1/us-east-1a': 54,
      'us-east-1/us-east-1b': 27,
      'eu-west-1/eu-west-1a': 20,
    });
    expect(out!.dropped).toEqual(['ap-southeast-1/ap-southeast-1a']);
    // A caller no `from` matches: nothing changes.
    expect(applyDistribute('ap-southeast-1/ap-southeast-1a', groups, [{ from: 'us-east-1/*', to: {} }])).toBe(
      null,
    );
  });
});

describe('distribute in traffic: Envoy picks a locality by weight, then a host in it (C.4)', () => {
  const endpoints: Endpoint[] = [
    { address: '10.1.0.1', locality: 'us-east-1/us-east-1a' },
    { address: '10.1.0.2', locality: 'us-east-1/us-east-1a' },
    { address: '10.1.1.1', locality: 'us-east-1/us-east-1b' },
    { address: '10.2.0.1', locality: 'eu-west-1/eu-west-1a' },
    { address: '10.2.0.2', locality: 'eu-west-1/eu-west-1a' },
    { address: '10.3.0.1', locality: 'ap-southeast-1/ap-southeast-1a' },
  ];

  it('shares 54 : 27 : 20 of 101; ap-southeast-1 gets no host; no failover priorities even with outlierDetection', () => {
    const r = run(yaml(endpoints, DISTRIBUTE_80_20, EJECT_AT_ONCE));
    const hosts = r.clusters[CLUSTER]!.hosts;
    expect(hosts.map((h) => h.address).sort()).not.toContain('10.3.0.1:80');
    expect(hosts.every((h) => h.priority === 0)).toBe(true);
    const got = byLocality(r);
    const n = r.client.total;
    expect(got['us-east-1/us-east-1a']! + got['us-east-1/us-east-1b']! + got['eu-west-1/eu-west-1a']!).toBe(
      n,
    );
    for (const [locality, weight] of [
      ['us-east-1/us-east-1a', 54],
      ['us-east-1/us-east-1b', 27],
      ['eu-west-1/eu-west-1a', 20],
    ] as const) {
      const p = weight / 101;
      expect(Math.abs(got[locality]! / n - p), locality).toBeLessThanOrEqual(bound(p, n));
    }
    // Without locality weights the 5 hosts would share equally: us-east-1b 20 %, not 26.7 %.
    expect(Math.abs(got['us-east-1/us-east-1b']! / n - 0.2)).toBeGreaterThan(bound(0.2, n));
  });

  it('a caller no `from` matches keeps every locality, weighted by its endpoint weights', () => {
    // Groups: us-east-1a 2, us-east-1b 1, eu-west-1a 2, ap 1 → shares 2 : 1 : 2 : 1 of 6.
    const r = run(yaml(endpoints, DISTRIBUTE_80_20), {}, 'ap-southeast-1/ap-southeast-1a');
    const got = byLocality(r);
    const n = r.client.total;
    expect(Math.abs(got['ap-southeast-1/ap-southeast-1a']! / n - 1 / 6)).toBeLessThanOrEqual(bound(1 / 6, n));
    expect(Math.abs(got['us-east-1/us-east-1a']! / n - 2 / 6)).toBeLessThanOrEqual(bound(2 / 6, n));
  });
});

describe("a locality's effective weight: weight × min(1, 1.4 × healthy / hosts)", () => {
  // 5 hosts in the caller's zone, 5 in eu-west-1: groups of weight 5, so ceil(5·80/5) = 80 and ceil(5·20/5) = 20.
  const endpoints: Endpoint[] = [];
  for (let i = 1; i <= 5; i++) {
    endpoints.push({ address: `10.1.0.${i}`, locality: 'us-east-1/us-east-1a' });
    endpoints.push({ address: `10.2.0.${i}`, locality: 'eu-west-1/eu-west-1a' });
  }
  const failing = (count: number) => {
    const out: NonNullable<SimulationSpec['endpoints']> = {};
    for (let i = 1; i <= count; i++)
      out[`10.2.0.${i}`] = { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] };
    return out;
  };

  /** eu-west-1's share of the requests the healthy hosts served, and the slack for the run-up to the ejections. */
  function euShare(failingHosts: number) {
    const r = run(yaml(endpoints, DISTRIBUTE_80_20, EJECT_AT_ONCE), failing(failingHosts));
    const c = r.clusters[CLUSTER]!;
    expect(c.ejections.length).toBe(failingHosts);
    const healthy = c.hosts.filter((h) => !c.ejections.some((e) => e.host === h.address));
    const eu = healthy.filter((h) => h.locality.startsWith('eu-')).reduce((s, h) => s + h.rqTotal, 0);
    const n = healthy.reduce((s, h) => s + h.rqTotal, 0);
    // Until the last ejection the split is still 80/20: at most the requests sent by then (200 rps, twice
    // that for Poisson bursts) can sit on the wrong side.
    const lastMs = Math.max(0, ...c.ejections.map((e) => e.atMs));
    const slack = (2 * 200 * (lastMs / 1000) + 10) / n;
    return { share: eu / n, n, slack };
  }

  it('3 of 5 eu-west-1 hosts ejected: 20 × min(1, 1.4 × 2/5) = 11.2 against 80 → 11.2 / 91.2 = 12.3 %', () => {
    const { share, n, slack } = euShare(3);
    const p = 11.2 / 91.2;
    expect(Math.abs(share - p)).toBeLessThanOrEqual(bound(p, n) + slack);
    // Host-level balancing over the 7 healthy hosts would give eu-west-1 2/7 = 28.6 %; plain weights 20 %.
    expect(Math.abs(share - 0.2)).toBeGreaterThan(bound(0.2, n) + slack);
  });

  it('1 of 5 ejected: 1.4 × 4/5 = 1.12 ≥ 1, so eu-west-1 keeps its full 20 (overprovisioning)', () => {
    const { share, n, slack } = euShare(1);
    expect(Math.abs(share - 0.2)).toBeLessThanOrEqual(bound(0.2, n) + slack);
  });
});

describe('distribute with MAGLEV: the table is built from locality-normalized host weights', () => {
  it('two hosts per locality: 0.4, 0.4 in us-east-1 and 0.1, 0.1 in eu-west-1 of the table', () => {
    const endpoints: Endpoint[] = [
      { address: '10.1.0.1', locality: 'us-east-1/us-east-1a' },
      { address: '10.1.0.2', locality: 'us-east-1/us-east-1a' },
      { address: '10.2.0.1', locality: 'eu-west-1/eu-west-1a' },
      { address: '10.2.0.2', locality: 'eu-west-1/eu-west-1a' },
    ];
    // No hash key: each request hashes a random value, so a host's share is its share of the table.
    const lb = `${DISTRIBUTE_80_20}\n      consistentHash: { maglev: { tableSize: 65537 } }`;
    const r = run(yaml(endpoints, lb));
    const got = byLocality(r);
    const n = r.client.total;
    expect(Math.abs(got['eu-west-1/eu-west-1a']! / n - 0.2)).toBeLessThanOrEqual(bound(0.2, n) + 4 / 65537);
  });
});

describe('distribute edge cases Istio cannot settle', () => {
  it('a locality two `to` keys match is refused: istiod picks one in Go map order, random per push', () => {
    const lb = `      localityLbSetting:
        distribute:
          - from: us-east-1/*
            to: { "us-east-1/us-east-1a": 50, "us-east-1/*": 50 }`;
    const config = yaml([{ address: '10.1.0.1', locality: 'us-east-1/us-east-1a' }], lb);
    expect(() => run(config)).toThrow(ConfigError);
    try {
      run(config);
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/distribute\[0\]\.to.*more than one key/s);
    }
  });
});

describe('meshsim explain shows the locality weights', () => {
  it('prints locality_weighted_lb_config with each locality weight and the distribute line it came from', () => {
    const endpoints: Endpoint[] = [
      { address: '10.1.0.1', locality: 'us-east-1/us-east-1a', weight: 2 },
      { address: '10.1.1.1', locality: 'us-east-1/us-east-1b' },
      { address: '10.2.0.1', locality: 'eu-west-1/eu-west-1a' },
      { address: '10.3.0.1', locality: 'ap-southeast-1/ap-southeast-1a' },
    ];
    const text = formatExplanationTable(
      explainConfig(loadConfig(yaml(endpoints, DISTRIBUTE_80_20)), { locality: CALLER }),
    );
    // Caller's own locality first, the rest by region: 54 (= ceil(2·80/3)), eu 20, us-east-1b 27.
    const field = 'common_lb_config.locality_weighted_lb_config';
    expect(cellOf(text, field, 1)).toBe(
      '[P0 us-east-1/us-east-1a: 54, P0 eu-west-1/eu-west-1a: 20, P0 us-east-1/us-east-1b: 27]',
    );
    // Line 24 is the matched entry's `to:`.
    expect(cellOf(text, field, 2)).toBe('set <inline>:24');
    expect(text).toContain('dropped (no `to` matches): ap-southeast-1/ap-southeast-1a');
    expect(text).toMatch(/locality failover priorities\s+│?\s*not applied/);
    expect(text).not.toContain('10.3.0.1');
  });
});

describe('failover rules turn on locality-weighted balancing inside each priority (ApplyToCluster)', () => {
  it('P1 = eu-west-1a (1 of 2 ejected) and eu-west-1b: 2 × min(1, 1.4 × 1/2) = 1.4 against 2 → 1.4 / 3.4', () => {
    const endpoints: Endpoint[] = [
      { address: '10.1.0.1', locality: 'us-east-1/us-east-1a' },
      { address: '10.2.0.1', locality: 'eu-west-1/eu-west-1a' },
      { address: '10.2.0.2', locality: 'eu-west-1/eu-west-1a' },
      { address: '10.2.1.1', locality: 'eu-west-1/eu-west-1b' },
      { address: '10.2.1.2', locality: 'eu-west-1/eu-west-1b' },
    ];
    const lb = `      localityLbSetting:
        failover: [{ from: us-east-1, to: eu-west-1 }]`;
    const bad = { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] };
    const r = run(yaml(endpoints, lb, EJECT_AT_ONCE), { '10.1.0.1': bad, '10.2.0.1': bad });
    const c = r.clusters[CLUSTER]!;
    expect(c.hosts.map((h) => h.priority)).toEqual([0, 1, 1, 1, 1]);
    expect(c.ejections.length).toBe(2);
    // P0 has no healthy host; P1 health = 140 × 3/4 = 105 → 100, so P1 takes 100 % and nothing panics.
    // Inside P1 eu-west-1a's one healthy host gets 1.4 / 3.4 = 41.2 % (host-level balancing: 1/3).
    const served = (address: string) => c.hosts.find((h) => h.address === `${address}:80`)!.rqTotal;
    const healthy = ['10.2.0.2', '10.2.1.1', '10.2.1.2'];
    const n = healthy.reduce((s, a) => s + served(a), 0);
    const lastMs = Math.max(...c.ejections.map((e) => e.atMs));
    const slack = (2 * 200 * (lastMs / 1000) + 10) / n;
    const p = 1.4 / 3.4;
    expect(Math.abs(served('10.2.0.2') / n - p)).toBeLessThanOrEqual(bound(p, n) + slack);
    expect(Math.abs(served('10.2.0.2') / n - 1 / 3)).toBeGreaterThan(bound(1 / 3, n) + slack);
  });
});

/** A field's cell in an explain table (column 0 is the field), its lines wrapped in the column joined. */
function cellOf(text: string, field: string, column: number): string {
  const lines = text.split('\n');
  const cells = (line: string) =>
    line
      .split('│')
      .slice(1, -1)
      .map((c) => c.trim());
  const at = lines.findIndex((l) => cells(l)[0] === field);
  const parts = [cells(lines[at]!)[column]!];
  for (let i = at + 1; i < lines.length && cells(lines[i]!)[0] === ''; i++)
    parts.push(cells(lines[i]!)[column]!);
  return parts.filter((p) => p !== '').join(' ');
}
