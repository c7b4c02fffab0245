/**
 * The speed and memory targets, each the median of BENCH_RUNS (default 5) fresh processes, printed as
 * one JSON line per figure with its target. Every run is a first run in a new process, never a warm
 * repeat. The SimPy twin runs beside meshsim when python3 with SimPy is installed (Debian:
 * python3-simpy3). BENCH_MEMORY_DURATION (default 20000s: 1e8 reference requests, about two minutes)
 * sets the one long run whose peak RSS is reported; BENCH_SIMPY_REQUESTS (default 200000) the twin's size.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEMORY_DURATION = process.env.BENCH_MEMORY_DURATION ?? '20000s';
const SIMPY_REQUESTS = Number(process.env.BENCH_SIMPY_REQUESTS ?? 200_000);
const reference = here('./perf/reference.yaml'); // 5000 rps: 200 s is about 1e6 requests
const twin = here('./perf/twin-default.yaml'); // 2000 rps: 500 s is 1e6 requests
const flaky = here('../examples/flaky-api.yaml');
const cli = here('../packages/core/bin/meshsim.js');
const firstRun = here('./perf/first-run.mjs');
const runs = here('./perf/runs.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'meshsim-bench-'));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const repeat = <T>(f: () => T): T[] => Array.from({ length: RUNS }, f);
const print = (figure: string, value: number, unit: string, target: string, extra: object = {}) =>
  process.stdout.write(
    `${JSON.stringify({ bench: 'targets', figure, value: +value.toPrecision(4), unit, target, runs: RUNS, ...extra })}\n`,
  );

interface FirstRun {
  importMs: number;
  runMs: number;
  requests: number;
  requestsPerSec: number;
  requestsPerCpuSec: number;
  peakRssMB: number;
}
const simulateOnce = (file: string, duration: string): FirstRun =>
  JSON.parse(execFileSync(process.execPath, [firstRun, file, duration], { encoding: 'utf8' })) as FirstRun;

/** Wall milliseconds of a whole process. */
function wallMs(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

function inRun(): void {
  const ref = repeat(() => simulateOnce(reference, '200s'));
  print('import @meshsim/core', median(ref.map((r) => r.importMs)), 'ms', '< 100');
  print(
    'reference scenario, in the run',
    median(ref.map((r) => r.requestsPerSec)),
    'requests/s',
    '>= 1.5e6',
    {
      requests: ref[0]!.requests,
    },
  );
  const twinRuns = repeat(() => simulateOnce(twin, '500s'));
  const meshsimTwin = median(twinRuns.map((r) => r.requestsPerSec));
  print('twin model, in the run', meshsimTwin, 'requests/s', '>= 2.5e6', {
    requests: twinRuns[0]!.requests,
    perCpuSecond: Math.round(median(twinRuns.map((r) => r.requestsPerCpuSec))),
  });
  simpyBeside(meshsimTwin);
}

/** SimPy's rate inside env.run (its runSec), on the twin's own model and defaults. */
function simpyBeside(meshsimTwin: number): void {
  const python = ['/usr/bin/python3', 'python3'].find(
    (p) => spawnSync(p, ['-c', 'import simpy'], { stdio: 'ignore' }).status === 0,
  );
  if (python === undefined) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'targets', figure: 'SimPy twin', skipped: 'python3 with SimPy not installed' })}\n`,
    );
    return;
  }
  const runs = repeat(() => {
    const out = execFileSync(python, [here('./perf/twin.py'), '--requests', String(SIMPY_REQUESTS)], {
      encoding: 'utf8',
    });
    const line = JSON.parse(out.trim().split('\n').at(-1)!) as { requests: number; runSec: number };
    return line.requests / line.runSec;
  });
  const simpy = median(runs);
  print('SimPy twin, in the run', simpy, 'requests/s', 'anchor', { requests: SIMPY_REQUESTS });
  print('twin model: meshsim / SimPy, in the run', meshsimTwin / simpy, 'x', '>= 40');
}

/**
 * `meshsim run` of 1e6 reference requests, the report as JSON to /dev/null, without and with
 * `--trace FILE`: the two in turn (plain, traced, plain, …) so that a drift in the machine's speed
 * falls on both, the cost of --trace the median of the pairs' ratios.
 */
function wholeProcess(): void {
  const run = (extra: string[]) => [
    cli,
    'run',
    reference,
    '--duration',
    '200s',
    '-o',
    'json',
    '--output-file',
    '/dev/null',
    ...extra,
  ];
  const traced = run(['--trace', join(scratch, 'trace.jsonl')]);
  const pairs = repeat(() => [wallMs(process.execPath, run([])), wallMs(process.execPath, traced)] as const);
  const plain = pairs.map(([p]) => p);
  print('meshsim run, 1e6 reference requests, whole process', median(plain), 'ms', '< 1000');
  print('--trace cost, 1e6 reference requests', median(pairs.map(([p, t]) => t / p)), 'x', '<= 1.5', {
    plainMs: Math.round(median(plain)),
    tracedMs: Math.round(median(pairs.map(([, t]) => t))),
  });
}

function scaling(): void {
  const sweep = (jobs: number) => [
    cli,
    'compare',
    reference,
    '--sweep',
    'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=5..6',
    '--seeds',
    '2',
    '-q',
    '-j',
    String(jobs),
  ];
  const one = repeat(() => wallMs(process.execPath, sweep(1)));
  const two = repeat(() => wallMs(process.execPath, sweep(2)));
  print('sweep of 4 runs of 1e6 requests: 1 job / 2 jobs', median(one) / median(two), 'x', '>= 1.8', {
    oneJobMs: Math.round(median(one)),
    twoJobsMs: Math.round(median(two)),
  });
  // The same four runs as two separate processes side by side against one process: what two jobs can
  // gain on this machine at best, with nothing shared between them (no pool, no planning, no messages).
  const node = JSON.stringify(process.execPath);
  const inOne = repeat(() => wallMs(process.execPath, [runs, reference, '200s', '4']));
  const half = `${node} ${JSON.stringify(runs)} ${JSON.stringify(reference)} 200s 2`;
  const inTwo = repeat(() => wallMs('sh', ['-c', `${half} & a=$!; ${half} & b=$!; wait $a && wait $b`]));
  print(
    '4 runs of 1e6 requests: 1 process / 2 processes side by side',
    median(inOne) / median(inTwo),
    'x',
    'context: the 2-job ceiling here',
    {
      oneProcessMs: Math.round(median(inOne)),
      twoProcessesMs: Math.round(median(inTwo)),
    },
  );
  const compare = (jobs: number) => [
    cli,
    'compare',
    flaky,
    '--vary',
    `lenient=${here('../examples/patches/lenient.yaml')}`,
    '--seeds',
    '30',
    '-q',
    '-j',
    String(jobs),
  ];
  const c1 = repeat(() => wallMs(process.execPath, compare(1)));
  const c2 = repeat(() => wallMs(process.execPath, compare(2)));
  print('compare of 60 flaky-api runs: 1 job / 2 jobs', median(c1) / median(c2), 'x', '> 1', {
    oneJobMs: Math.round(median(c1)),
    twoJobsMs: Math.round(median(c2)),
  });
}

function memory(): void {
  const run = simulateOnce(reference, MEMORY_DURATION);
  print('peak RSS, reference scenario', run.peakRssMB, 'MB', '< 200 at 1e8 requests', {
    requests: run.requests,
    runs: 1,
  });
}

try {
  inRun();
  wholeProcess();
  scaling();
  memory();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
