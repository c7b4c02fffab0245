// SIGINT and SIGTERM during `meshsim run` end with the partial report on the chosen output and the trace
// file closed, not silence: the run plays in slices and the signal stops it at the next one.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '@meshsim/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';
import type { SignalSource, StopSignal } from '../packages/core/src/cli/play-in-slices.js';
import { spawnCli } from './fixtures/cli-process.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-signals-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A signal source that delivers `signal` on the event loop's next turn after the run starts listening. */
function deliverSoon(signal: StopSignal): SignalSource & { listening: () => number } {
  const handlers = new Set<() => void>();
  return {
    on: (s, handler) => {
      handlers.add(handler);
      if (s === signal) setImmediate(handler);
    },
    off: (_, handler) => handlers.delete(handler),
    listening: () => handlers.size,
  };
}

describe('a signal during meshsim run', () => {
  it('SIGINT: the partial report (interrupted) on --output, the trace closed, exit 130', async () => {
    const signals = deliverSoon('SIGINT');
    const output = join(dir, 'report.json');
    const trace = join(dir, 'trace.jsonl');
    let stdout = '';
    let stderr = '';
    const code = await main(
      ['run', 'examples/flaky-api.yaml', '-f', 'json', '-o', output, '--trace', trace],
      {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
        signals,
      },
    );
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(signals.listening()).toBe(0); // the handlers are gone once the run is over
    const report = JSON.parse(readFileSync(output, 'utf8')) as Report;
    expect(report.partial).toMatchObject({ cause: 'interrupted' });
    expect(report.partial!.message).toMatch(/^interrupted by SIGINT at [\d.ms]+ simulated$/);
    expect(report.partial!.atMs).toBeLessThan(report.durationMs);
    expect(stderr).toMatch(
      /^meshsim: partial report \(interrupted\): interrupted by SIGINT at .* simulated\n$/m,
    );
    // Every line of the trace is whole, and it holds each request the report counts.
    const lines = readFileSync(trace, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const events = lines.map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === 'response')).toHaveLength(report.client.total);
    expect(events.filter((e) => e.type === 'request')).toHaveLength(report.client.total + report.unfinished);
  });

  it('SIGTERM to a real process: the partial report on stdout, exit 143', async () => {
    const trace = join(dir, 'long.jsonl');
    const { child, exited } = spawnCli([
      'run',
      'examples/flaky-api.yaml',
      '--duration',
      '1h',
      '--trace',
      trace,
    ]);
    // Signal once the run is under way: its trace file has grown.
    for (let i = 0; i < 400 && !(existsSync(trace) && statSync(trace).size > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await exited;
    expect(stderr).toMatch(
      /^meshsim: partial report \(interrupted\): interrupted by SIGTERM at .* simulated$/m,
    );
    expect(code).toBe(143);
    expect(stdout).toMatch(
      /^meshsim: scenario flaky-api-one-bad-endpoint, seed 1, 3600 s simulated\n\nPARTIAL REPORT \(interrupted\)/,
    );
    expect(readFileSync(trace, 'utf8').endsWith('\n')).toBe(true);
  });
});
