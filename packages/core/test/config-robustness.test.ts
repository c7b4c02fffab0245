import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';

const errorsIn = (text: string, options = {}) =>
  loadConfig({ file: 'hostile.yaml', text }, options).diagnostics.filter((d) => d.severity === 'error');

/** Deterministic bytes (xorshift), so a failure reproduces. */
function garbage(length: number, seed: number): string {
  let x = seed >>> 0 || 1;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * CPU time of this process running `work` (not wall time, which other processes share), the least of
 * two tries (a collection or a preemption only ever adds): compared as ratios, never as times, so a
 * slow or loaded machine cannot fail them.
 */
function cpuMs<T>(work: () => T): { ms: number; result: T } {
  let ms = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < 2; i++) {
    const before = process.cpuUsage();
    result = work();
    const spent = process.cpuUsage(before);
    ms = Math.min(ms, (spent.user + spent.system) / 1000);
  }
  return { ms, result: result as T };
}

/** What parsing 1,000 ServiceEntries (240 KB) costs: the yardstick for sources refused before parsing. */
let parsingCost: number | undefined;
function parsingThousandEntriesMs(): number {
  const entries = Array.from(
    { length: 1_000 },
    (_, i) =>
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: se-${i} }\nspec:\n  hosts: [svc-${i}.example.com]\n  ports: [{ number: 443, name: https, protocol: HTTPS }]\n  resolution: DNS\n`,
  ).join('---\n');
  parsingCost ??= cpuMs(() => loadConfig(entries)).ms;
  return parsingCost;
}

describe('hostile input becomes diagnostics, never an exception', () => {
  it('an alias bomb (billion laughs)', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const errors = errorsIn(`${levels.join('\n')}\nkind: ServiceEntry\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^YAML aliases could not be expanded: .*resource exhaustion/);
    expect(errors[0]).toMatchObject({ file: 'hostile.yaml', line: 1, column: 1 });
  });

  it('10,000 levels of nesting', () => {
    const errors = errorsIn(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/nested/);
  });

  it('nesting past the 200-level limit that YAML itself would accept', () => {
    const errors = errorsIn(`kind: ServiceEntry\nspec: ${'['.repeat(250)}${']'.repeat(250)}\n`);
    expect(errors).toMatchObject([{ line: 2, message: 'document is nested deeper than 200 levels' }]);
    expect(errorsIn(`kind: Gateway\napiVersion: x/v1\nspec: ${'['.repeat(150)}${']'.repeat(150)}\n`)).toEqual(
      [],
    );
  });

  it.each([1, 2, 3, 42])('64 KiB of binary garbage (seed %d)', (seed) => {
    expect(errorsIn(garbage(65_536, seed)).length).toBeGreaterThan(0);
  });

  it('a 20 MB source is refused before parsing', () => {
    // Five million list items: parsing them would take minutes (a long comment would parse at once).
    const huge = `# a list\n${'- x\n'.repeat(5 * 1024 * 1024)}`;
    const { ms, result: errors } = cpuMs(() => errorsIn(huge));
    // Refusing counts the bytes: it costs less than parsing a source eighty times smaller.
    expect(ms).toBeLessThan(parsingThousandEntriesMs());
    expect(errors).toMatchObject([{ line: 1, column: 1, path: '' }]);
    expect(errors[0]?.message).toMatch(/^file is 20971529 bytes, over the 16777216-byte limit/);
  });

  it('a 50 MB ServiceEntry is refused before parsing, quickly and in one diagnostic', () => {
    const header =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: big }\nspec:\n  hosts:\n';
    const host = '    - host-0000000.example.com\n';
    const huge = header + host.repeat(Math.ceil((50 * 1024 * 1024) / host.length));
    expect(huge.length).toBeGreaterThan(50 * 1024 * 1024);
    const { ms, result: loaded } = cpuMs(() => loadConfig({ file: 'big.yaml', text: huge }));
    // Parsing it would take a minute; refusing it costs less than parsing 240 KB of ServiceEntries.
    expect(ms).toBeLessThan(parsingThousandEntriesMs());
    expect(loaded.serviceEntries).toEqual([]);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({
      severity: 'error',
      file: 'big.yaml',
      line: 1,
      column: 1,
      path: '',
    });
    expect(loaded.diagnostics[0]?.message).toMatch(
      /^file is \d{8} bytes, over the 16777216-byte limit; not parsed$/,
    );
  });

  it('rules that compare pairs grow linearly: 5,000 hosts and prefix matches cost at most 10× 500 of them', () => {
    const bigVirtualService = (n: number): string => {
      const hosts = Array.from({ length: n }, (_, i) => `h${i}.example.com`).join(', ');
      const routes = Array.from(
        { length: n },
        (_, i) =>
          `    - match: [{ uri: { prefix: /p${i} } }]\n      route: [{ destination: { host: h0.example.com } }]`,
      ).join('\n');
      return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: big }\nspec:\n  hosts: [${hosts}]\n  http:\n${routes}\n`;
    };
    const small = cpuMs(() => loadConfig(bigVirtualService(500)));
    const large = cpuMs(() => loadConfig(bigVirtualService(5_000)));
    expect(large.result.virtualServices).toHaveLength(1);
    expect(large.result.diagnostics).toMatchObject([
      {
        severity: 'warning',
        path: 'spec.hosts',
        message: '5000 hosts: the duplicate-host check is skipped past 2000',
      },
    ]);
    // Work linear in the input is at most 10× for 10× the input (fixed costs only lower the ratio); a rule
    // comparing every pair would make it up to 100×. The bound is twice the linear worst case.
    const ratio = large.ms / Math.max(small.ms, 1);
    expect(ratio).toBeLessThan(20);
  });

  it('a maglev table size near 2^53 and a megabyte label key are answered in time linear in the key', () => {
    const text = (key: number) =>
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: dr }\nspec:\n  host: api.example.com\n  trafficPolicy:\n    loadBalancer:\n      consistentHash: { useSourceIp: true, maglev: { tableSize: 9007199254740991 } }\n  subsets:\n    - name: v1\n      labels: { ${'a'.repeat(key)}!: v1 }\n`;
    const small = cpuMs(() => errorsIn(text(100_000)));
    const large = cpuMs(() => errorsIn(text(1_000_000)));
    expect(large.result.map((e) => e.path)).toEqual([
      'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize',
      `spec.subsets[0].labels["${'a'.repeat(1_000_000)}!"]`,
    ]);
    // 10× the key costs at most 20× (twice the linear worst case); scanning the key per character
    // of it would be 100×.
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(20);
  });

  it('honours a smaller maxBytes, counting UTF-8 bytes', () => {
    expect(errorsIn('kind: ééé\n', { maxBytes: 10 })[0]?.message).toMatch(/^file is 13 bytes/);
  });

  it.each([
    ['a scalar', 'just some text', 'got the scalar "just some text"'],
    ['a number', '42', 'got the scalar "42"'],
    [
      'a list',
      '- a\n- b\n',
      "got a list; for a sidecar's Envoy config take the whole dump: `istioctl proxy-config all POD -o json` or Envoy's /config_dump?include_eds",
    ],
    ['null', '~', 'got null'],
  ])('%s as a document', (_, text, got) => {
    expect(errorsIn(text)).toMatchObject([
      { line: 1, column: 1, message: `a document must be a mapping (a Kubernetes resource), ${got}` },
    ]);
  });

  it('skips empty documents silently', () => {
    expect(loadConfig('---\n---\n# only a comment\n---\n').diagnostics).toEqual([]);
    expect(loadConfig('').diagnostics).toEqual([]);
  });

  it('caps the number of syntax errors listed', () => {
    const diagnostics = loadConfig(Array(2_000).fill('a: [\n---\n').join('')).diagnostics;
    expect(diagnostics.length).toBeLessThanOrEqual(201);
    expect(
      diagnostics.filter((d) => /^\d+ more problems in this file not listed$/.test(d.message)),
    ).toHaveLength(1);
  });

  it('any string at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const loaded = loadConfig(text);
        for (const d of loaded.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toContain('\n');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any YAML-shaped value in an Istio resource', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('host', 'subsets', 'trafficPolicy')),
          value,
          { maxKeys: 6 },
        ),
        (spec) => {
          const text = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\nspec: ${JSON.stringify(spec)}\n`;
          const loaded = loadConfig(text);
          expect(loaded.destinationRules.length + loaded.diagnostics.length).toBeGreaterThan(0);
          for (const d of loaded.diagnostics) expect(d.message).not.toContain('\n');
        },
      ),
      { numRuns: 300 },
    );
  });
});
