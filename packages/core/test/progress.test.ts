import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ProgressLine, runProgressText } from '../src/cli/progress.js';

/** A wall clock that moves `stepMs` each time it is read. */
function steppingClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (t: string) => writes.push(t) } };
}

describe('ProgressLine', () => {
  it('is silent when stderr is not a terminal, however long the run', () => {
    const { writes, stream } = recorder(false);
    const line = new ProgressLine(stream, { now: steppingClock(500) });
    for (let i = 0; i < 20; i++) line.update(() => `step ${i}`);
    line.done();
    expect(writes).toEqual([]);
  });

  it('is silent with --quiet on a terminal', () => {
    const { writes, stream } = recorder(true);
    const line = new ProgressLine(stream, { quiet: true, now: steppingClock(500) });
    for (let i = 0; i < 20; i++) line.update(() => `step ${i}`);
    line.done();
    expect(writes).toEqual([]);
  });

  it('on a terminal shows nothing for the first second, then at most every 200 ms, and clears at the end', () => {
    const { writes, stream } = recorder(true);
    const line = new ProgressLine(stream, { now: steppingClock(100) }); // created at 100 ms
    for (let i = 1; i <= 15; i++) line.update(() => `update ${i}`); // the clock reads 200, 300, … 1600
    line.done();
    // 1100 ms is the first reading ≥ 1 s after the start (update 10), then 1300 (12) and 1500 (14).
    expect(writes).toEqual([
      '\rupdate 10\u001b[K',
      '\rupdate 12\u001b[K',
      '\rupdate 14\u001b[K',
      '\r\u001b[K',
    ]);
  });

  it('asked for off a terminal (--progress): whole lines, after the first second, one every 5 s, nothing to clear', () => {
    const { writes, stream } = recorder(false);
    const line = new ProgressLine(stream, { lines: true, now: steppingClock(1000) }); // created at 1 s
    for (let i = 1; i <= 12; i++) line.update(() => `update ${i}`); // the clock reads 2 s, 3 s, … 13 s
    line.done();
    // 2 s is the first reading 1 s after the start (update 1), then 7 s (6) and 12 s (11).
    expect(writes).toEqual(['update 1\n', 'update 6\n', 'update 11\n']);
    const quiet = recorder(false);
    const silenced = new ProgressLine(quiet.stream, { lines: true, quiet: true, now: steppingClock(1000) });
    for (let i = 1; i <= 12; i++) silenced.update(() => `update ${i}`);
    expect(quiet.writes).toEqual([]);
  });

  it('a run that ends within the first second leaves stderr untouched', () => {
    const { writes, stream } = recorder(true);
    const line = new ProgressLine(stream, { now: steppingClock(10) });
    line.update(() => 'x');
    line.done();
    expect(writes).toEqual([]);
  });

  it('says how much simulated time is done and the simulated requests per wall second', () => {
    const text = runProgressText({ simulatedMs: 133_000, durationMs: 600_000, requests: 26_600 }, 2000);
    expect(text).toBe('meshsim: 2m13s of 10m simulated (22 %), 26600 requests, 13.3k requests/s');
  });
});

describe('meshsim run progress', () => {
  async function run(stderrIsTTY: boolean, ...extra: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(['run', 'examples/flaky-api.yaml', '--format', 'json', ...extra], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      stderrIsTTY,
      now: steppingClock(50), // every timeline bucket "takes" 50 ms of wall time
    });
    expect(code).toBe(0);
    return { stdout, stderr };
  }

  it('a terminal sees the progress line on stderr; the report on stdout is unchanged', async () => {
    const tty = await run(true);
    expect(tty.stderr).toMatch(
      /\rmeshsim: \d+m?\d*s of 2m simulated \(\d+ %\), \d+ requests, [\d.]+k? requests\/s/,
    );
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true);
    const piped = await run(false);
    expect(piped.stderr).toBe('');
    expect(tty.stdout).toBe(piped.stdout);
  });

  it('--progress writes it as lines where stderr is not a terminal; the report is unchanged', async () => {
    const lines = await run(false, '--progress');
    const written = lines.stderr.trimEnd().split('\n');
    expect(written.length).toBeGreaterThan(0);
    for (const l of written)
      expect(l).toMatch(/^meshsim: \d+m?\d*s of 2m simulated \(\d+ %\), \d+ requests, /);
    expect(lines.stderr).not.toContain('\r');
    expect(lines.stdout).toBe((await run(false)).stdout);
  });

  it('--quiet silences it on a terminal', async () => {
    expect((await run(true, '--quiet')).stderr).toBe('');
  });
});
