import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';
import { headerValueProblem, regexProblem } from '../src/config/resources/validation/fields.js';
import {
  hostSubsetOf,
  hostsMatch,
  validateFqdn,
  validateIpSubnet,
  validateWildcardDomain,
} from '../src/config/resources/validation/hosts.js';
import { localitiesProblem } from '../src/config/resources/validation/locality-rules.js';
import { invalidRetryOnEntries } from '../src/config/resources/validation/retry-on.js';
import { isPrime } from '../src/config/resources/validation/traffic-policy-rules.js';

describe('retryOn as istiod reads it', () => {
  it.each([
    ['5xx,gateway-error,reset', []],
    ['503,connect-failure', []],
    ['5xx, reset', [' reset']],
    ['5xx,', ['']],
    ['306', ['306']],
    ['600', ['600']],
    ['+503', []],
    ['0503', []],
    ['-1', ['-1']],
    ['unavailable,cancelled,resource-exhausted', []],
    ['', []],
  ])('%j has the bad entries %j', (retryOn, bad) => {
    expect(invalidRetryOnEntries(retryOn)).toEqual(bad);
  });
});

describe('hosts', () => {
  it.each([
    ['api.example.com', true],
    ['*.example.com', true],
    ['*example.com', true],
    ['*', true],
    ['reviews', true],
    ['api.example.com.', true],
    ['foo.*.com', false],
    ['api.example.123', false],
    ['-', false],
    ['', false],
    [`${'a'.repeat(64)}.com`, false],
    ['a_b.example.com', false],
  ])('wildcard domain %j valid: %s', (host, valid) => {
    expect(validateWildcardDomain(host) === undefined).toBe(valid);
  });

  it('an FQDN has no wildcard', () => {
    expect(validateFqdn('*.example.com')).toMatch(/label "\*" invalid/);
    expect(validateFqdn('api.example.com')).toBeUndefined();
  });

  it('matches and subsets as istio host.Name does', () => {
    expect(hostsMatch('*.foo.bar', '*.bar')).toBe(true);
    expect(hostsMatch('a.foo.bar', '*.bar')).toBe(true);
    expect(hostsMatch('a.foo.bar', 'b.foo.bar')).toBe(false);
    expect(hostSubsetOf('a.foo.bar', '*.bar')).toBe(true);
    expect(hostSubsetOf('*.bar', '*.foo.bar')).toBe(false);
    expect(hostSubsetOf('*.foo.bar', '*.bar')).toBe(true);
  });

  it.each([
    ['10.0.0.1', true],
    ['172.1.2.16/16', true],
    ['2001:db8::/32', true],
    ['10.0.0.1/33', false],
    ['10.0.0.1/08', false],
    ['010.0.0.1', false],
    ['10.0.0.0/8/8', false],
    ['api.example.com', false],
  ])('subnet %j valid: %s', (subnet, valid) => {
    expect(validateIpSubnet(subnet) === undefined).toBe(valid);
  });
});

describe('header values, as Envoy parses custom headers', () => {
  it.each([
    ['plain', true],
    ['100%%', true],
    ['%HOSTNAME%', true],
    ['prefix %HOSTNAME% suffix', true],
    ['%REQ(x-request-id)%', true],
    ['%START_TIME(["%s"])%', true],
    ['abc%123', false],
    ['%START_TIME%%', false],
    ['trailing %', false],
    ['bad\u0001char', false],
  ])('%j valid: %s', (value, valid) => {
    expect(headerValueProblem(value) === undefined).toBe(valid);
  });
});

describe('regexes are RE2', () => {
  it.each([
    ['^/api/v[0-9]+/.*$', true],
    ['(?i)case', true],
    ['(?P<name>x)', true],
    ['(?=ahead)', false],
    ['\\1', false],
    ['a{1001}', false],
    ['[', false],
    ['x'.repeat(1025), false],
  ])('%j valid: %s', (regex, valid) => {
    expect(regexProblem(regex, 'uri') === undefined).toBe(valid);
  });
});

describe('localities', () => {
  it.each([
    [['us-east', 'eu-west'], undefined],
    [['us-east', 'us-east/zone1'], 'locality us-east/zone1 overlap with previous specified ones'],
    [['us-east/a', 'us-east/a/x'], 'locality us-east/a/x overlap with previous specified ones'],
    [['us-east/a/x', 'us-east/a/y'], undefined],
    [['*', 'us-east'], 'locality us-east overlap with previous specified ones'],
    [['us-*/a'], "locality us-*/a wildcard '*' number can not exceed 1 and must be in the end"],
    [['us-east//x'], 'locality us-east//x must not contain empty region/zone/subzone info'],
  ])('%j', (localities, problem) => {
    expect(localitiesProblem(localities)).toBe(problem);
  });
});

it('maglev table sizes are prime as Envoy decides', () => {
  expect([2, 3, 65_537, 5_000_011].map(isPrime)).toEqual([true, true, true, true]);
  expect([0, 1000, 65_535].map(isPrime)).toEqual([false, false, false]);
});

describe('webhook diagnostics in loadConfig', () => {
  const vs = (retryOn: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: vs }
spec:
  hosts: [api.example.com]
  http:
    - retries:
        attempts: 3
        retryOn: "${retryOn}"
      route:
        - destination: { host: api.example.com }
`;

  it('an error names the field, its line, the reason and the rule, and leaves the resource out', () => {
    const loaded = loadConfig({ file: 'vs.yaml', text: vs('5xx, reset') });
    expect(loaded.virtualServices).toEqual([]);
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'vs.yaml',
        line: 9,
        column: 18,
        path: 'spec.http[0].retries.retryOn',
        message: '" reset" is not a valid retryOn policy',
        rule: 'istio-webhook',
      },
    ]);
  });

  it('a warning keeps the resource', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { consecutiveErrors: 5 }
`;
    const loaded = loadConfig(text);
    expect(loaded.destinationRules).toHaveLength(1);
    expect(loaded.diagnostics).toMatchObject([
      {
        severity: 'warning',
        line: 7,
        path: 'spec.trafficPolicy.outlierDetection.consecutiveErrors',
        rule: 'istio-webhook',
      },
    ]);
  });

  it('the webhook runs only on what the CRD schema accepted', () => {
    const text = vs('5xx').replace('attempts: 3', 'attempts: -1');
    const diagnostics = loadConfig(text).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ path: 'spec.http[0].retries.attempts' });
    expect(diagnostics[0]?.rule).toBeUndefined();
  });

  it('unknown fields are a warning naming the field, and the webhook still runs', () => {
    const text = vs('5xx, reset').replace('attempts: 3', 'attempts: 3\n        retryOnn: x');
    const diagnostics = loadConfig(text).diagnostics;
    expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['warning', 'spec.http[0].retries.retryOnn'],
      ['error', 'spec.http[0].retries.retryOn'],
    ]);
    expect(diagnostics[0]?.message).toContain('"retryOnn"');
  });
});

describe("the CRD's list and string caps", () => {
  const serviceEntry = (hosts: number, address = '192.0.2.1') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: se }
spec:
  hosts: [${Array.from({ length: hosts }, (_, i) => `h${i}.example.com`).join(', ')}]
  addresses: ["${address}"]
  ports: [{ number: 443, name: https, protocol: HTTPS }]
  resolution: NONE
`;

  it('allows 256 hosts and refuses 257', () => {
    expect(loadConfig(serviceEntry(256)).serviceEntries).toHaveLength(1);
    expect(loadConfig(serviceEntry(257)).diagnostics).toMatchObject([
      { severity: 'error', path: 'spec.hosts', message: 'must have at most 256 items' },
    ]);
  });

  it('refuses an address longer than 64 characters', () => {
    const diagnostics = loadConfig(serviceEntry(1, `2001:db8::${'0:'.repeat(30)}1`)).diagnostics;
    expect(diagnostics).toMatchObject([{ severity: 'error', path: 'spec.addresses[0]' }]);
    expect(diagnostics[0]?.message).toBe('must be at most 64 characters long');
  });
});
