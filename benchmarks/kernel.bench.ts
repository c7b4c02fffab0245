/**
 * Event-queue throughput in steady state (the classic "hold" model): the queue is pre-filled to N
 * pending events, then each operation pops the earliest event and schedules a new one at its time plus
 * a random delay, so the size stays N. One pop + schedule pair counts as one event.
 *
 * Delays are exponential, drawn before the measurement into a Float64Array, so the measured loop only
 * touches the queue's typed arrays and allocates nothing.
 *
 * stdout carries JSON lines only: one per size, then the summary line last. Notes go to stderr.
 *   npx pnpm@10 -C /work/main run build && npx tsx benchmarks/kernel.bench.ts
 */
import { EventQueue, Exponential, RandomStreams } from '@meshsim/core/kernel';
import { Bench } from 'tinybench';

const OPS_PER_ITERATION = 1_000_000;
const DELAY_COUNT = 1 << 16; // 512 KiB of delays, reused cyclically
const DELAY_MASK = DELAY_COUNT - 1;
const SIZES = [
  { key: 'pending1k', pending: 1_000 },
  { key: 'pending100k', pending: 100_000 },
] as const;

const rng = new RandomStreams(42).get('bench/kernel');
const delayMs = new Exponential(1);
const delays = Float64Array.from({ length: DELAY_COUNT }, () => delayMs.sample(rng));

interface Fixture {
  queue: EventQueue;
  cursor: number;
}

/** Pre-fills a queue to `pending` events with times drawn like the delays (the hold model's start). */
function prefill(pending: number): Fixture {
  const queue = new EventQueue(pending);
  for (let i = 0; i < pending; i++) queue.schedule(delayMs.sample(rng), 0, i);
  return { queue, cursor: 0 };
}

/** The measured loop: `ops` pop + schedule pairs. Returns the next cursor into `delays`. */
function hold(queue: EventQueue, ops: number, cursor: number): number {
  let c = cursor;
  for (let i = 0; i < ops; i++) {
    queue.pop();
    queue.schedule(queue.poppedTimeMs + delays[c & DELAY_MASK]!, queue.poppedKind, queue.poppedTarget);
    c++;
  }
  return c;
}

const bench = new Bench({ name: 'kernel', time: 3_000, iterations: 8, warmupTime: 500, warmupIterations: 3 });
const fixtures = new Map<string, Fixture>();
for (const { key, pending } of SIZES) {
  const fixture = prefill(pending);
  fixtures.set(key, fixture);
  bench.add(key, () => {
    fixture.cursor = hold(fixture.queue, OPS_PER_ITERATION, fixture.cursor);
  });
}

process.stderr.write(
  `kernel bench: ${OPS_PER_ITERATION.toLocaleString('en')} pop+schedule pairs per iteration, ` +
    `Node ${process.version}\n`,
);
bench.runSync();

const eventsPerSec: Record<string, number> = {};
for (const { key, pending } of SIZES) {
  const task = bench.getTask(key);
  const result = task?.result;
  if (result === undefined || !('latency' in result)) {
    throw new Error(`kernel bench: task ${key} did not complete (${result?.state ?? 'missing'})`);
  }
  const fixture = fixtures.get(key)!;
  if (fixture.queue.size !== pending) {
    throw new Error(`kernel bench: ${key} ended with ${fixture.queue.size} pending, expected ${pending}`);
  }
  // The median iteration is robust to a stray GC or scheduler pause; the mean is reported beside it.
  const perSec = Math.round((OPS_PER_ITERATION * 1000) / result.latency.p50);
  eventsPerSec[key] = perSec;
  const line = {
    bench: 'kernel',
    task: key,
    pending,
    opsPerIteration: OPS_PER_ITERATION,
    iterations: result.latency.samplesCount,
    medianMs: Number(result.latency.p50.toFixed(3)),
    meanMs: Number(result.latency.mean.toFixed(3)),
    rmePercent: Number(result.latency.rme.toFixed(2)),
    eventsPerSec: perSec,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stderr.write(`  ${key}: ${(perSec / 1e6).toFixed(2)} M events/s (median of ${line.iterations})\n`);
}

process.stdout.write(
  `${JSON.stringify({
    bench: 'kernel',
    eventsPerSec: { pending1k: eventsPerSec.pending1k, pending100k: eventsPerSec.pending100k },
  })}\n`,
);
