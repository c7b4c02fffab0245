import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_DIR } from '../../../test/fixtures/seed-dir.js';
import { formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';

const seedFiles = readdirSync(SEED_DIR).filter((f) => f.endsWith('.yaml'));

/**
 * The warnings the seed set earns. 01-onprem-database.yaml declares a TCP port with resolution NONE
 * and no addresses, which istiod's webhook warns about (with NONE no address is auto-allocated, so
 * the listener has to match on port alone). 10-global-database.yaml puts localityLbSetting directly under
 * trafficPolicy, where Istio has no such field (it belongs under trafficPolicy.loadBalancer), so
 * Kubernetes drops it and the failover it describes never happens.
 */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  '01-onprem-database.yaml': [
    '01-onprem-database.yaml:13:7 warning spec.ports[0]: addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled [istio-webhook]',
  ],
  '10-global-database.yaml': [
    '10-global-database.yaml:48:5 warning spec.trafficPolicy.localityLbSetting: unknown field "localityLbSetting" (did you mean "loadBalancer.localityLbSetting"?); ignored',
  ],
};

describe('the seed article configs', () => {
  it('are all present', () => {
    expect(seedFiles).toHaveLength(14);
  });

  it.each(seedFiles)('%s loads with no errors', (file) => {
    const loaded = loadConfig({ file, text: readFileSync(join(SEED_DIR, file), 'utf8') });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual(EXPECTED_WARNINGS[file] ?? []);
    const resources =
      loaded.serviceEntries.length + loaded.destinationRules.length + loaded.virtualServices.length;
    expect(resources).toBeGreaterThan(0);
  });

  it('all load together as one config', () => {
    const sources = seedFiles.map((file) => ({ file, text: readFileSync(join(SEED_DIR, file), 'utf8') }));
    const loaded = loadConfig(sources);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.serviceEntries).toHaveLength(12);
    // 08 and 09 both have a rule for secure.partner-api.com, under different names, so both stay.
    expect(loaded.destinationRules).toHaveLength(9);
    expect(loaded.virtualServices).toHaveLength(3);
  });
});

describe('fixtures/payment-gateway.yaml (seed 02)', () => {
  const file = 'payment-gateway.yaml';
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  const loaded = loadConfig({ file, text });

  it('loads as one STATIC ServiceEntry with three labelled endpoints', () => {
    expect(loaded.diagnostics).toEqual([]);
    const [entry] = loaded.serviceEntries;
    expect(entry?.file).toBe(file);
    expect(entry?.line).toBe(3);
    const spec = entry!.resource.spec;
    expect(entry!.resource.metadata).toEqual({ name: 'payment-gateway', namespace: 'production' });
    expect(spec.hosts).toEqual(['payments.provider.com']);
    expect(spec.location).toBe('MESH_EXTERNAL');
    expect(spec.resolution).toBe('STATIC');
    expect(spec.ports).toEqual([{ number: 443, name: 'https', protocol: 'HTTPS' }]);
    expect(spec.endpoints?.map((e) => e.address)).toEqual(['203.0.113.10', '203.0.113.20', '203.0.113.30']);
    expect(spec.endpoints?.[1]).toEqual({
      address: '203.0.113.20',
      ports: { https: 443 },
      labels: { region: 'eu-west', priority: 'secondary' },
    });
  });

  it('can point at any of its fields', () => {
    const entry = loaded.serviceEntries[0]!;
    expect(entry.positionOf(['spec', 'endpoints', 2, 'address'])).toEqual({ line: 33, column: 16 });
    expect(entry.positionOf(['spec', 'resolution'])).toEqual({ line: 16, column: 15 });
    // A field that is not there resolves to its nearest ancestor: endpoints[0]'s mapping.
    expect(entry.positionOf(['spec', 'endpoints', 0, 'weight'])).toEqual({ line: 19, column: 7 });
  });
});
