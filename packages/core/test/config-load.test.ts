import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Diagnostic } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A minimal valid ServiceEntry with `extra` lines appended under spec. */
const serviceEntry = (extra = '', apiVersion = 'networking.istio.io/v1') => `apiVersion: ${apiVersion}
kind: ServiceEntry
metadata:
  name: api
spec:
  hosts: [api.example.com]
${extra}`;

const errorsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

describe('loadConfig on a valid multi-document stream', () => {
  const loaded = loadConfig({ file: 'full-stream.yaml', text: fixture('full-stream.yaml') });

  it('finds every resource and reports nothing', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.serviceEntries).toHaveLength(1);
    expect(loaded.destinationRules).toHaveLength(1);
    expect(loaded.virtualServices).toHaveLength(1);
    expect(loaded.scenario?.resource.metadata.name).toBe('flaky-api');
  });

  it('records where each document starts', () => {
    expect(loaded.serviceEntries[0]).toMatchObject({ file: 'full-stream.yaml', line: 2 });
    expect(loaded.destinationRules[0]).toMatchObject({ file: 'full-stream.yaml', line: 16 });
  });

  it('fills Istio defaults and normalises the port protocol', () => {
    const se = loaded.serviceEntries[0]!.resource;
    expect(se.spec.location).toBe('MESH_EXTERNAL');
    expect(se.spec.resolution).toBe('DNS');
    expect(se.spec.ports?.[0]?.protocol).toBe('HTTPS');
    const vs = loaded.virtualServices[0]!.resource;
    expect(vs.metadata.namespace).toBe('default');
  });

  it('types durations as text and milliseconds', () => {
    const policy = loaded.destinationRules[0]!.resource.spec.trafficPolicy;
    expect(policy?.connectionPool?.tcp?.connectTimeout).toEqual({ text: '1.5s', ms: 1500 });
    expect(policy?.outlierDetection?.interval).toEqual({ text: '1m30s', ms: 90_000 });
    expect(policy?.outlierDetection?.maxEjectionPercent).toBe(50);
    expect(policy?.loadBalancer?.localityLbSetting?.failover).toEqual([
      { from: 'us-east-1', to: 'eu-west-1' },
    ]);
    const route = loaded.virtualServices[0]!.resource.spec.http?.[0];
    expect(route?.timeout?.ms).toBe(3000);
    expect(route?.retries).toEqual({
      attempts: 3,
      perTryTimeout: { text: '250ms', ms: 250 },
      retryOn: '5xx,reset',
    });
    expect(route?.fault?.abort).toEqual({ httpStatus: 503, percentage: { value: 0.5 } });
    expect(route?.match?.[0]?.headers).toEqual({ 'x-tenant': { exact: 'acme' } });
  });

  it('lets later stages point at a field', () => {
    const dr = loaded.destinationRules[0]!;
    expect(dr.positionOf(['spec', 'trafficPolicy', 'outlierDetection', 'interval'])).toEqual({
      line: 32,
      column: 17,
    });
  });
});

describe('apiVersions and kinds', () => {
  it.each(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'])(
    'accepts %s for all three Istio kinds',
    (apiVersion) => {
      const text = [
        serviceEntry('', apiVersion),
        `apiVersion: ${apiVersion}\nkind: DestinationRule\nmetadata: { name: api }\nspec: { host: api.example.com }\n`,
        `apiVersion: ${apiVersion}\nkind: VirtualService\nmetadata: { name: api }\nspec: { hosts: [api.example.com], http: [{ route: [{ destination: { host: api.example.com } }] }] }\n`,
      ].join('---\n');
      const loaded = loadConfig(text);
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.serviceEntries[0]?.resource.apiVersion).toBe(apiVersion);
      expect(loaded.destinationRules).toHaveLength(1);
      expect(loaded.virtualServices).toHaveLength(1);
    },
  );

  it('rejects an Istio kind with an apiVersion Istio does not serve', () => {
    const loaded = loadConfig(serviceEntry('', 'networking.istio.io/v1alpha2'));
    expect(loaded.serviceEntries).toEqual([]);
    expect(loaded.diagnostics).toMatchObject([
      { severity: 'error', line: 1, column: 13, path: 'apiVersion' },
    ]);
    expect(loaded.diagnostics[0]?.message).toContain('networking.istio.io/v1alpha2 is not a served version');
  });

  it('skips kinds it does not simulate with a warning', () => {
    const loaded = loadConfig('apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: gw }\n');
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'warning',
        file: '<inline>',
        line: 1,
        column: 1,
        path: '',
        message: 'kind Gateway (apiVersion networking.istio.io/v1) is not simulated; skipped',
      },
    ]);
  });

  it('requires kind', () => {
    const loaded = loadConfig('apiVersion: v1\nmetadata: { name: x }\n');
    expect(loaded.diagnostics).toMatchObject([{ severity: 'error', path: 'kind', line: 1 }]);
  });

  it('allows only one Scenario, reporting the second', () => {
    const scenario = 'apiVersion: meshsim.dev/v1alpha1\nkind: Scenario\n';
    const loaded = loadConfig([
      { file: 'a.yaml', text: scenario },
      { file: 'b.yaml', text: `# second\n${scenario}` },
    ]);
    expect(loaded.scenario?.file).toBe('a.yaml');
    expect(loaded.diagnostics).toMatchObject([{ severity: 'error', file: 'b.yaml', line: 2, path: '' }]);
    expect(loaded.diagnostics[0]?.message).toBe(
      'only one Scenario document is allowed; the first is at a.yaml:1',
    );
  });

  it('keeps the later of two resources with the same kind, namespace and name', () => {
    const loaded = loadConfig(
      `${serviceEntry('  resolution: STATIC\n')}---\n${serviceEntry('  resolution: DNS\n')}`,
    );
    expect(loaded.serviceEntries.map((s) => s.resource.spec.resolution)).toEqual(['DNS']);
    expect(loaded.diagnostics).toMatchObject([{ severity: 'warning', line: 9 }]);
    expect(loaded.diagnostics[0]?.message).toContain(
      'duplicate ServiceEntry default/api (also at <inline>:1)',
    );
  });
});

describe('YAML syntax errors', () => {
  it('reports the yaml package message at the exact line and column', () => {
    const loaded = loadConfig({
      file: 'broken.yaml',
      text: 'apiVersion: v1\nkind: X\nmetadata:\n  name: a: b\n',
    });
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'broken.yaml',
        line: 4,
        column: 9,
        path: '',
        message: 'Nested mappings are not allowed in compact mappings',
      },
    ]);
  });

  it('reports tabs and duplicate keys where they are', () => {
    expect(loadConfig('a: 1\nb:\n\tc: 2\n').diagnostics[0]).toMatchObject({ line: 3, column: 1 });
    const duplicate = loadConfig('kind: A\nkind: B\n').diagnostics;
    expect(duplicate).toMatchObject([{ line: 2, column: 1, message: 'Map keys must be unique' }]);
  });

  it('still loads the well-formed documents of a stream', () => {
    const loaded = loadConfig(
      `${serviceEntry()}---\nfoo: [1, 2\n---\n${serviceEntry().replace('name: api', 'name: b')}`,
    );
    expect(loaded.serviceEntries.map((s) => s.resource.metadata.name)).toEqual(['api', 'b']);
    expect(errorsOf(loaded.diagnostics)).toHaveLength(1);
  });
});

describe('sources', () => {
  it('treats a plain string as <inline>', () => {
    const loaded = loadConfig(serviceEntry());
    expect(loaded.serviceEntries[0]?.file).toBe('<inline>');
  });

  it('keeps each file name in its diagnostics', () => {
    const loaded = loadConfig([
      { file: 'one.yaml', text: serviceEntry() },
      { file: 'two.yaml', text: 'kind: [' },
    ]);
    expect(loaded.serviceEntries[0]?.file).toBe('one.yaml');
    expect(loaded.diagnostics.every((d) => d.file === 'two.yaml')).toBe(true);
    expect(errorsOf(loaded.diagnostics).length).toBeGreaterThan(0);
  });
});

describe('ConfigError', () => {
  it('lists the formatted errors in its message and keeps the diagnostics', () => {
    const { diagnostics } = loadConfig({ file: 'p.yaml', text: serviceEntry('  resolution: X\n') });
    const error = new ConfigError(diagnostics);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.diagnostics).toBe(diagnostics);
    expect(error.message).toBe(
      'invalid config (1 error):\np.yaml:7:15 error spec.resolution: must be one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS, got "X"',
    );
  });
});
