// `meshsim run --trace FILE`: the run's event trace as JSON Lines, checked the way a user would check
// a file they got from the CLI: parse it, count it, and run @meshsim/scenarios' trace invariants on it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report, TraceEvent } from '@meshsim/core';
import {
  assertInvariants,
  attemptsWithinRetries,
  connectionsWithinBreaker,
  everyRequestEndsOnce,
  holds,
  noRequestToEjectedHost,
} from '@meshsim/scenarios/invariants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';

/** A stack trace line, as Node prints it (`    at fn (file:1:2)`). */
const STACK_FRAME = /^\s+at /m;

// Two STATIC endpoints under ROUND_ROBIN on one worker: 192.0.2.1 answers in 10 ms, 192.0.2.2 holds
// every request 10 minutes, past the 2 s of traffic and the 300 s drain, so its requests never end.
const SMALL = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports:
    - { number: 80, name: http, protocol: HTTP }
  resolution: STATIC
  endpoints:
    - address: 192.0.2.1
    - address: 192.0.2.2
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    loadBalancer: { simple: ROUND_ROBIN }
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: one-endpoint-hangs }
spec:
  seed: 7
  duration: 2s
  proxy: { workers: 1 }
  endpoints:
    192.0.2.1: { latency: { constant: 10ms } }
    192.0.2.2: { latency: { constant: 10m } }
  traffic:
    - { host: api.example.com, port: 80, rps: 10, arrivals: constant }
`;

let dir: string;
let small: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-trace-'));
  small = join(dir, 'small.yaml');
  writeFileSync(small, SMALL);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

function parseTrace(text: string): TraceEvent[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as TraceEvent);
}

const count = (trace: readonly TraceEvent[], type: TraceEvent['type']) =>
  trace.filter((e) => e.type === type).length;

describe('meshsim run --trace FILE', () => {
  it('writes one event per line; requests, responses and invariants agree with the report', async () => {
    const file = join(dir, 'small.jsonl');
    const { code, stdout } = await cli('run', small, '--format', 'json', '--trace', file);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const trace = parseTrace(readFileSync(file, 'utf8'));

    // Constant arrivals at 10 rps: the n-th at n × 100 ms while n × 100 < 2000, so n = 1..19.
    expect(trace.filter((e) => e.type === 'request').map((e) => e.tMs)).toEqual(
      Array.from({ length: 19 }, (_, i) => (i + 1) * 100),
    );
    // Round robin alternates the two hosts, starting (for this seed) at 192.0.2.1: requests 1, 3, …,
    // 19 (10) go to the fast host and are answered; 2, 4, …, 18 (9) hang past the drain, unfinished.
    const hosts = trace.flatMap((e) => (e.type === 'attempt' ? [e.host] : []));
    expect(hosts).toEqual(Array.from({ length: 19 }, (_, i) => `192.0.2.${(i % 2) + 1}:80`));
    expect(report.client.total).toBe(10);
    expect(report.unfinished).toBe(9);
    expect(count(trace, 'request')).toBe(report.client.total + report.unfinished);
    expect(count(trace, 'response')).toBe(report.client.total);
    // The fast host answers in 10 ms, long before its next request 200 ms later: one keep-alive
    // connection. Each hanging request holds its own: 9. Nothing fails, so nothing is ejected.
    expect(count(trace, 'cx-open')).toBe(1 + 9);
    expect(count(trace, 'eject')).toBe(0);

    assertInvariants(
      trace,
      everyRequestEndsOnce({ unfinished: report.unfinished }),
      attemptsWithinRetries({ retries: 2 }), // Istio's default
      noRequestToEjectedHost(),
      connectionsWithinBreaker({ maxConnections: 10 }), // the 10 derived above, never an 11th
    );
    // The invariants read the file, not a formality: a response written twice breaks them.
    const doubled = [...trace, trace.find((e) => e.type === 'response')!];
    expect(holds(doubled, everyRequestEndsOnce({ unfinished: report.unfinished }))).toBe(false);
  });

  it('leaves the report byte for byte the same, as a table and as JSON', async () => {
    for (const format of ['table', 'json']) {
      const without = await cli('run', small, '--format', format);
      const traced = await cli('run', small, '--format', format, '--trace', join(dir, `${format}.jsonl`));
      expect(traced.code).toBe(0);
      expect(traced.stdout).toBe(without.stdout);
      expect(traced.stderr).toBe(without.stderr);
    }
  });

  it('writes the trace to stdout with - when the report goes to --output', async () => {
    const reportFile = join(dir, 'report.json');
    const { code, stdout } = await cli(
      'run',
      small,
      '--format',
      'json',
      '--output-file',
      reportFile,
      '--trace',
      '-',
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(readFileSync(reportFile, 'utf8')).toBe((await cli('run', small, '--format', 'json')).stdout);
    const trace = parseTrace(stdout);
    expect(count(trace, 'request')).toBe(report.client.total + report.unfinished);
    expect(count(trace, 'response')).toBe(report.client.total);
  });

  it("writes the line the README shows as examples/flaky-api.yaml's first attempt", async () => {
    const file = join(dir, 'flaky-api.jsonl');
    expect((await cli('run', 'examples/flaky-api.yaml', '--trace', file)).code).toBe(0);
    const first = readFileSync(file, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('{"type":"attempt"'))!;
    expect(readFileSync('README.md', 'utf8')).toContain(`\`${first}\``);
  });

  it('traces a catalog scenario (--catalog NAME), over many write chunks', async () => {
    const file = join(dir, 'catalog.jsonl');
    const args = ['run', '--catalog', '12-legacy-http-service', '--duration', '20s', '--format', 'json'];
    const { code, stdout } = await cli(...args, '--trace', file);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const text = readFileSync(file, 'utf8');
    // More than the 64 Ki characters the writer gathers per write, so lines cross chunk boundaries.
    expect(text.length).toBeGreaterThan(64 * 1024);
    const trace = parseTrace(text);
    expect(report.client.total).toBeGreaterThan(0);
    expect(count(trace, 'request')).toBe(report.client.total + report.unfinished);
    expect(count(trace, 'response')).toBe(report.client.total);
    assertInvariants(trace, everyRequestEndsOnce({ unfinished: report.unfinished }));
  });
});

describe('meshsim run --trace: bad input gets one line naming the flag', () => {
  /** The error line (commander adds its "(run meshsim --help …)" hint on a second line for usage). */
  async function refused(expectedCode: number, ...argv: string[]): Promise<string> {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(expectedCode);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain('internal error');
    const lines = stderr.trimEnd().split('\n');
    if (expectedCode === 2) expect(lines[1]).toBe('(run meshsim --help for usage)');
    expect(lines).toHaveLength(expectedCode === 2 ? 2 : 1);
    expect(lines[0]).toContain('--trace');
    return lines[0]!;
  }

  it('a directory', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(await refused(1, 'run', small, '--trace', sub)).toBe(
      `meshsim: --trace ${sub}: cannot write (EISDIR: is a directory)`,
    );
  });

  it('a file in a directory that does not exist', async () => {
    const path = join(dir, 'missing', 'trace.jsonl');
    expect(await refused(1, 'run', small, '--trace', path)).toBe(
      `meshsim: --trace ${path}: cannot write (ENOENT: no such directory)`,
    );
  });

  it('- while the report goes to stdout', async () => {
    expect(await refused(2, 'run', small, '--trace', '-')).toMatch(
      /^error: --trace - would mix .* --output-file FILE/,
    );
  });

  it('the file --output-file writes', async () => {
    const path = join(dir, 'both.txt');
    expect(await refused(2, 'run', small, '--output-file', path, '--trace', path)).toBe(
      'error: --trace and --output-file name the same file',
    );
    expect(existsSync(path)).toBe(false);
  });

  it('--catalog list, which runs nothing', async () => {
    expect(await refused(2, 'run', '--catalog', 'list', '--trace', join(dir, 'list.jsonl'))).toBe(
      'error: --trace needs a run; --catalog list runs none',
    );
  });

  it('an empty or missing file name', async () => {
    expect(await refused(2, 'run', small, '--trace', '')).toMatch(
      /^error: option '--trace <file>' argument '' is invalid/,
    );
    expect(await refused(2, 'run', small, '--trace')).toBe("error: option '--trace <file>' argument missing");
  });

  it('creates no trace file when the config is refused', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, SMALL.replace('rps: 10,', 'rps: ten,'));
    const path = join(dir, 'never.jsonl');
    const { code, stderr } = await cli('run', bad, '--trace', path);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:`);
    expect(existsSync(path)).toBe(false);
  });
});
