import { describe, expect, it } from 'vitest';
import { type Diagnostic, formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';

/** A minimal valid ServiceEntry with `extra` lines appended under spec. */
const serviceEntry = (extra = '', apiVersion = 'networking.istio.io/v1') => `apiVersion: ${apiVersion}
kind: ServiceEntry
metadata:
  name: api
spec:
  hosts: [api.example.com]
${extra}`;

const errorsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

describe('unknown fields', () => {
  it('are warnings on Istio kinds, at the key, and the resource loads without them', () => {
    const loaded = loadConfig(serviceEntry('  resolution: DNS\n  endpoints_:\n    - address: 1.2.3.4\n'));
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'warning',
        file: '<inline>',
        line: 8,
        column: 3,
        path: 'spec.endpoints_',
        message: 'unknown field "endpoints_" (did you mean "endpoints"?); ignored',
      },
    ]);
    expect(loaded.serviceEntries[0]?.resource.spec).not.toHaveProperty('endpoints_');
    expect(loaded.serviceEntries[0]?.resource.spec.resolution).toBe('DNS');
  });

  it('get one warning each, deep in the tree', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection:
      consecutive_5xx_errors: 5
      interval: 10s
      ejectionTime: 30s
`;
    const loaded = loadConfig(text);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      '<inline>:8:7 warning spec.trafficPolicy.outlierDetection.consecutive_5xx_errors: unknown field "consecutive_5xx_errors" (did you mean "consecutive5xxErrors"?); ignored',
      '<inline>:10:7 warning spec.trafficPolicy.outlierDetection.ejectionTime: unknown field "ejectionTime"; ignored',
    ]);
    expect(loaded.destinationRules[0]?.resource.spec.trafficPolicy?.outlierDetection).toEqual({
      interval: { text: '10s', ms: 10_000 },
    });
  });

  it('are errors in a Scenario, which then does not load', () => {
    const loaded = loadConfig('apiVersion: meshsim.dev/v1alpha1\nkind: Scenario\nspec:\n  sed: 4\n');
    expect(loaded.scenario).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        file: '<inline>',
        line: 4,
        column: 3,
        path: 'spec.sed',
        message: 'unknown field "sed" (did you mean "seed"?)',
      },
    ]);
  });
});

describe('field errors name the field, the line and what was expected', () => {
  const only = (extra: string): Diagnostic => {
    const loaded = loadConfig(serviceEntry(extra));
    expect(loaded.serviceEntries).toEqual([]);
    const errors = errorsOf(loaded.diagnostics);
    expect(errors).toHaveLength(1);
    return errors[0]!;
  };

  it('bad port number', () => {
    const d = only('  ports:\n    - number: https\n      name: https\n');
    expect(formatDiagnostic(d)).toBe(
      '<inline>:8:15 error spec.ports[0].number: must be an integer 1..65535, got "https"',
    );
    expect(only('  ports:\n    - number: 65536\n      name: x\n').message).toBe(
      'must be an integer 1..65535, got 65536',
    );
  });

  it('bad enum', () => {
    const d = only('  resolution: ROUND_ROBIN\n');
    expect(d).toMatchObject({ line: 7, column: 15, path: 'spec.resolution' });
    expect(d.message).toBe(
      'must be one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS, got "ROUND_ROBIN"',
    );
  });

  it('bad protocol', () => {
    expect(only('  ports:\n    - { number: 80, name: x, protocol: SPDY }\n').message).toMatch(
      /^must be one of HTTP, HTTPS, .* \(any case\), got "SPDY"$/,
    );
  });

  it('a missing required field points at its parent', () => {
    const loaded = loadConfig(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\nspec:\n  subsets: []\n',
    );
    expect(loaded.diagnostics).toMatchObject([
      { line: 5, column: 3, path: 'spec.host', message: 'is required' },
    ]);
  });

  it('a CRD rule carries the rule name', () => {
    const d = only('  resolution: NONE\n  endpoints:\n    - address: 10.0.0.1\n');
    // A block list is reported at its key's line, the field's own line.
    expect(d).toMatchObject({ path: 'spec.endpoints', line: 8, rule: 'istio-crd' });
    expect(formatDiagnostic(d)).toBe(
      '<inline>:8:3 error spec.endpoints: resolution NONE cannot set endpoints [istio-crd]',
    );
  });

  it('string and fractional integers are rejected as protobuf JSON rejects them', () => {
    const dr = (value: string) =>
      loadConfig(
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\nspec:\n  host: h\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        maxConnections: ${value}\n`,
      ).diagnostics;
    expect(dr('"10"')).toMatchObject([
      { line: 9, column: 25, message: 'must be an integer 0..2147483647, got "10"' },
    ]);
    expect(dr('1.5')).toMatchObject([{ message: 'must be an integer 0..2147483647, got 1.5' }]);
    expect(dr('10')).toEqual([]);
  });

  it('bad durations, with the CRD minimum of 1ms', () => {
    const dr = (value: string) =>
      loadConfig(
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\nspec:\n  host: h\n  trafficPolicy:\n    outlierDetection:\n      interval: ${value}\n`,
      ).diagnostics.map(formatDiagnostic);
    const path = '<inline>:8:17 error spec.trafficPolicy.outlierDetection.interval';
    expect(dr('10')).toEqual([`${path}: must be a duration such as 250ms, 10s or 1m30s, got 10`]);
    expect(dr('10 s')).toEqual([`${path}: must be a duration such as 250ms, 10s or 1m30s, got "10 s"`]);
    expect(dr('0s')).toEqual([`${path}: must be at least 1ms, got "0s"`]);
  });

  it('percent fields are 0..100', () => {
    const loaded = loadConfig(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\nspec:\n  host: h\n  trafficPolicy:\n    outlierDetection: { maxEjectionPercent: 101 }\n',
    );
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      '<inline>:7:45 error spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be an integer 0..100, got 101',
    ]);
  });

  it('an error rate above 1 in a Scenario', () => {
    const text = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
spec:
  endpoints:
    10.0.0.1:
      errors:
        - { status: 503, rate: 1.5 }
`;
    expect(loadConfig(text).diagnostics.map(formatDiagnostic)).toEqual([
      '<inline>:7:32 error spec.endpoints["10.0.0.1"].errors[0].rate: must be a number 0..1, got 1.5',
    ]);
  });
});
