import { describe, expect, it } from 'vitest';
import { applyPatch, mergePatch } from '../src/compare/patch.js';
import { parseSweep } from '../src/compare/sweep.js';
import { ConfigError } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';

const CONFIG = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: prod }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.1 }, { address: 192.0.2.2 }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: prod }
spec:
  host: api.example.com
  trafficPolicy:
    # the thresholds under test
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
    connectionPool:
      tcp: { maxConnections: 10 }
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: s }
spec:
  seed: 3
  duration: 10s
  proxy: { namespace: prod }
  traffic: [{ host: api.example.com, rps: 10 }]
`;

const sources = [{ file: 'mesh.yaml', text: CONFIG }];
const loaded = (spec: ReturnType<typeof applyPatch>) =>
  loadConfig(spec.config as { file: string; text: string }[]);

describe('mergePatch (RFC 7386)', () => {
  it('merges maps, deletes on null, replaces lists and scalars, and leaves its arguments alone', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' };
    const patch = { a: { b: null, d: 3 }, list: [9], keep: 'y', added: { e: 1 } };
    expect(mergePatch(target, patch)).toEqual({ a: { c: 2, d: 3 }, list: [9], keep: 'y', added: { e: 1 } });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' });
  });
});

describe('applyPatch', () => {
  it('patches the named DestinationRule in place and keeps its other fields and comments', () => {
    const spec = applyPatch(
      { config: sources },
      `kind: DestinationRule
metadata: { name: api }
spec:
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 2, interval: null }
`,
      'strict',
    );
    const config = spec.config as { file: string; text: string }[];
    expect(config.map((s) => s.file)).toEqual(['mesh.yaml [strict]']);
    expect(config[0]!.text).toContain('# the thresholds under test');
    const dr = loaded(spec).destinationRules[0]!.resource.spec.trafficPolicy!;
    expect(dr.outlierDetection?.consecutive5xxErrors).toBe(2);
    expect(dr.outlierDetection?.interval).toBeUndefined();
    expect(dr.connectionPool?.tcp?.maxConnections).toBe(10);
  });

  it('patches the Scenario document without a name, and Scenario fields given in code in code', () => {
    const yaml = applyPatch({ config: sources }, { kind: 'Scenario', spec: { seed: 9 } }, 'v');
    expect(loaded(yaml).scenario?.resource.spec.seed).toBe(9);
    const code = applyPatch(
      { config: sources, duration: '5s' },
      { kind: 'Scenario', spec: { duration: '7s' } },
      'v',
    );
    expect(code.duration).toBe('7s');
    expect(code.config).toEqual(sources); // nothing in the YAML changed
  });

  it('adds a whole resource the config lacks, and refuses a bare patch of one', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'api', namespace: 'prod' },
      spec: { hosts: ['api.example.com'], http: [{ route: [{ destination: { host: 'api.example.com' } }] }] },
    };
    const spec = applyPatch({ config: sources }, vs, 'with-vs');
    expect(loaded(spec).virtualServices.map((v) => v.resource.metadata.name)).toEqual(['api']);
    expect(() =>
      applyPatch({ config: sources }, { kind: 'VirtualService', metadata: { name: 'api' } }, 'x'),
    ).toThrow(/has no VirtualService named api; to add one, give the whole resource/);
  });

  it('reports a patch without a name where it was written', () => {
    try {
      applyPatch(
        { config: sources },
        { file: 'p.yaml', text: '# c\nkind: DestinationRule\nspec: {}\n' },
        'p',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const d = (e as ConfigError).diagnostics[0]!;
      expect([d.file, d.line, d.path]).toEqual(['p.yaml', 2, 'metadata.name']);
    }
  });

  it('null leaves the spec as it is', () => {
    const spec = { config: sources };
    expect(applyPatch(spec, null, 'as-written')).toBe(spec);
  });
});

describe('parseSweep', () => {
  it('reads ranges, stepped ranges, lists and a Kind/name: target', () => {
    expect(parseSweep('spec.a.b=1..4')).toEqual({ field: 'spec.a.b', values: [1, 2, 3, 4] });
    expect(parseSweep('spec.a=0.1..0.5..0.2').values).toEqual([0.1, 0.3, 0.5]);
    expect(parseSweep('spec.a=10s,30s,true')).toEqual({ field: 'spec.a', values: ['10s', '30s', true] });
    expect(parseSweep('DestinationRule/prod/api:spec.x=1,2')).toEqual({
      field: 'spec.x',
      values: [1, 2],
      target: { kind: 'DestinationRule', name: 'api', namespace: 'prod' },
    });
  });

  it('refuses what it cannot read', () => {
    expect(() => parseSweep('spec.a')).toThrow(/FIELD=VALUES/);
    expect(() => parseSweep('spec.a=5..1')).toThrow(/empty/);
    expect(() => parseSweep('spec.a=1..5000')).toThrow(/1000 at most/);
  });
});
