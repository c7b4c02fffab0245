import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyPatch, resourcesWithField } from '../src/compare/patch.js';
import { loadConfig } from '../src/config/resources/load.js';

const fixture = (name: string) => ({
  file: name,
  text: readFileSync(new URL(`./fixtures/kubectl/${name}`, import.meta.url), 'utf8'),
});

/** The 1-based line of the first line of `text` containing `needle`, searched from `from`. */
const lineOf = (text: string, needle: string, from = 0): number =>
  text.slice(0, text.indexOf(needle, from)).split('\n').length;

describe('kubectl get … -o yaml and -o json (kind: List)', () => {
  const yaml = loadConfig(fixture('get-all.yaml'));
  const json = loadConfig(fixture('get-all.json'));

  it('loads each item as a resource, with status, managedFields and bookkeeping ignored silently', () => {
    for (const loaded of [yaml, json]) {
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.serviceEntries.map((r) => r.resource.metadata.name)).toEqual(['api']);
      expect(
        loaded.destinationRules[0]?.resource.spec.trafficPolicy?.connectionPool?.tcp?.maxConnections,
      ).toBe(10);
      expect(loaded.virtualServices[0]?.resource.spec.http?.[0]?.timeout?.ms).toBe(2000);
    }
  });

  it('reads the same resources from JSON as from YAML', () => {
    expect(json.serviceEntries.map((r) => r.resource)).toEqual(yaml.serviceEntries.map((r) => r.resource));
    expect(json.destinationRules.map((r) => r.resource)).toEqual(
      yaml.destinationRules.map((r) => r.resource),
    );
    expect(json.virtualServices.map((r) => r.resource)).toEqual(yaml.virtualServices.map((r) => r.resource));
  });

  it('points at fields inside the List item, in either syntax', () => {
    const { text } = fixture('get-all.json');
    const dr = json.destinationRules[0]!;
    expect(dr.line).toBe(lineOf(text, '"kind": "DestinationRule"') - 2);
    const path = ['spec', 'trafficPolicy', 'connectionPool', 'tcp', 'maxConnections'];
    expect(dr.positionOf(path).line).toBe(lineOf(text, '"maxConnections": 10', text.indexOf('"spec"')));
    const vs = yaml.virtualServices[0]!;
    const yamlText = fixture('get-all.yaml').text;
    expect(vs.positionOf(['spec', 'http', 0, 'timeout']).line).toBe(lineOf(yamlText, 'timeout: 2s'));
  });

  it('reports a bad field of an item at its line in the JSON file', () => {
    const { text } = fixture('get-all.json');
    const broken = text.replace('"maxConnections": 10', '"maxConnections": "ten"');
    const loaded = loadConfig({ file: 'get-all.json', text: broken });
    expect(loaded.destinationRules).toEqual([]);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({
      severity: 'error',
      file: 'get-all.json',
      line: lineOf(broken, '"maxConnections": "ten"', broken.indexOf('"spec"')),
      path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections',
    });
  });

  it("takes a typed list's kind and apiVersion for items that leave them out, as the API server's lists do", () => {
    const loaded = loadConfig(`apiVersion: networking.istio.io/v1
kind: ServiceEntryList
items:
  - metadata: { name: a, namespace: shop }
    spec: { hosts: [a.example.com], ports: [{ number: 80, name: http, protocol: HTTP }], resolution: DNS }
  - 42
`);
    expect(
      loaded.serviceEntries.map((r) => `${r.resource.metadata.namespace}/${r.resource.metadata.name}`),
    ).toEqual(['shop/a']);
    expect(loaded.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      ['error', 6, 'items[1] is not a resource (a mapping); skipped'],
    ]);
  });
});

describe('helm template and kustomize build output', () => {
  it('loads the Istio resources of a rendered chart and skips the rest with a warning each', () => {
    const loaded = loadConfig(fixture('helm-template.yaml'));
    expect(loaded.serviceEntries).toHaveLength(1);
    expect(loaded.destinationRules).toHaveLength(1);
    expect(loaded.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      ['warning', 3, 'kind ServiceAccount (apiVersion v1) is not simulated; skipped'],
    ]);
  });
});

describe('kustomize build output with a Sidecar and the mesh config', () => {
  const source = fixture('kustomize-build.yaml');
  const loaded = loadConfig(source);

  it('reads the Sidecar without its status and managedFields, and the mesh config inside a List', () => {
    expect(loaded.sidecars.map((s) => s.resource.metadata.name)).toEqual(['prod-default']);
    expect(loaded.sidecars[0]?.resource.spec.egress?.[0]?.hosts).toEqual(['./*', 'istio-system/*']);
    expect(loaded.meshConfig?.name).toBe('istio-system/istio');
    expect(loaded.meshConfig?.config.dnsRefreshRate?.ms).toBe(20_000);
    // The mesh field's position maps from inside the block scalar to the file.
    expect(loaded.meshConfig?.positionOf(['dnsRefreshRate']).line).toBe(
      lineOf(source.text, 'dnsRefreshRate'),
    );
    // Only the ConfigMap that is not the mesh config is skipped; defaultConfig (proxy config) is listed.
    expect(loaded.diagnostics.map((d) => [d.severity, d.line, d.path])).toEqual([
      ['warning', 1, ''],
      ['warning', lineOf(source.text, 'defaultConfig:'), 'mesh.defaultConfig'],
    ]);
  });
});

describe('compare patches over a kubectl export', () => {
  it('patches a resource inside a List, in a JSON file, where it is written', () => {
    const source = fixture('get-all.json');
    const spec = applyPatch(
      { config: [source] },
      'kind: DestinationRule\nmetadata: { name: api }\nspec: { trafficPolicy: { connectionPool: { tcp: { maxConnections: 2 } } } }\n',
      'tight',
    );
    const [patched] = spec.config as Array<{ file: string; text: string }>;
    expect(patched?.file).toBe('get-all.json [tight]');
    const loaded = loadConfig(patched!);
    expect(loaded.diagnostics).toEqual([]);
    const tcp = loaded.destinationRules[0]?.resource.spec.trafficPolicy?.connectionPool?.tcp;
    expect(tcp?.maxConnections).toBe(2);
    expect(loaded.serviceEntries).toHaveLength(1);
    expect(resourcesWithField([source], ['spec', 'trafficPolicy'])).toEqual([
      { kind: 'DestinationRule', name: 'api', namespace: 'shop' },
    ]);
  });
});
