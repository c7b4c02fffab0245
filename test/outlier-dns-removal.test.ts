import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { dnsRemovalSpec } from './fixtures/dns-removal.js';

describe('a STRICT_DNS host removed by a refresh loses its ejection (C.5, D.2)', () => {
  it('the ejection ends at the refresh, ejections_active drops, and the address comes back as a fresh host', () => {
    const r = simulate(dnsRemovalSpec);
    const c = r.clusters['outbound|80||api.third-party.io']!;
    // Ejected within the first second for 300 s; the refresh after 10 s (≤ 15.1 s) removes it and its ejection.
    const first = c.ejections[0]!;
    expect(first.host).toBe('198.51.100.2:80');
    expect(first.untilMs).not.toBeNull();
    expect(first.untilMs!).toBeGreaterThanOrEqual(10_000);
    expect(first.untilMs!).toBeLessThanOrEqual(15_200);
    // Back after 20 s as a new host with no history: it fails 3 times again and is ejected afresh.
    expect(c.hosts.map((h) => [h.address, h.removed ?? false])).toEqual([
      ['198.51.100.1:80', false],
      ['198.51.100.2:80', true],
      ['198.51.100.2:80', false],
    ]);
    expect(c.ejections).toHaveLength(2);
    expect(c.ejections[1]!.atMs).toBeGreaterThanOrEqual(20_000);
    expect(c.stats['outlier_detection.ejections_active']).toBe(1);
  });
});
