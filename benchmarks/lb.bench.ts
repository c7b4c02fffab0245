/**
 * Cost of one load-balancer pick for each algorithm over 100 hosts, in steady state: the pickers
 * are built (refresh) before measuring, and hashes for RING_HASH and MAGLEV are drawn beforehand
 * into typed arrays, so the measured loops only pick. Request hashing (one header, XXH64 through
 * the native binding) is measured separately: it runs once per request, not once per pick.
 *
 * All tasks share one pick call site, which so sees every picker class, as a simulator running clusters
 * of several policies would; LB_BENCH_ONLY=<task> runs one task alone.
 *
 * stdout carries JSON lines only: one per task, then the summary line last. Notes go to stderr.
 *   npx tsx benchmarks/lb.bench.ts
 */
import { Bench } from 'tinybench';
import { RandomStreams } from '../packages/core/src/kernel/random-streams.js';
import { Host, type ServerDirectory } from '../packages/core/src/upstream/host.js';
import {
  type HostPicker,
  LeastRequestPicker,
  MaglevPicker,
  RandomPicker,
  RequestHasher,
  RingHashPicker,
  RoundRobinPicker,
  type Uint64,
} from '../packages/core/src/upstream/lb/index.js';

const PICKS_PER_ITERATION = 1_000_000;
const HASHES_PER_ITERATION = 100_000;
const HOSTS = 100;
const HASH_COUNT = 1 << 16;
const HASH_MASK = HASH_COUNT - 1;

const streams = new RandomStreams(42);
const rng = streams.get('bench/lb');
const makeHosts = (weight: (i: number) => number): Host[] =>
  Array.from(
    { length: HOSTS },
    (_, i) =>
      new Host(
        i,
        `10.0.${i >> 8}.${i & 255}`,
        443,
        '',
        0,
        weight(i),
        {},
        undefined as unknown as ServerDirectory,
      ),
  );
const equal = makeHosts(() => 1);
const weighted = makeHosts((i) => 1 + (i % 4));
weighted.forEach((h, i) => {
  h.rqActive = i % 7; // least request reads it on every weighted re-insert
});

const hashHi = Uint32Array.from({ length: HASH_COUNT }, () => Math.floor(rng() * 2 ** 32));
const hashLo = Uint32Array.from({ length: HASH_COUNT }, () => Math.floor(rng() * 2 ** 32));

interface Task {
  key: string;
  picker: HostPicker;
  hosts: Host[];
  hashed: boolean;
}

const allTasks: Task[] = [
  { key: 'roundRobin', picker: new RoundRobinPicker(streams.get('rr')), hosts: equal, hashed: false },
  {
    key: 'roundRobinWeighted',
    picker: new RoundRobinPicker(streams.get('rrw')),
    hosts: weighted,
    hashed: false,
  },
  { key: 'leastRequest', picker: new LeastRequestPicker(streams.get('lr')), hosts: equal, hashed: false },
  {
    key: 'leastRequestWeighted',
    picker: new LeastRequestPicker(streams.get('lrw')),
    hosts: weighted,
    hashed: false,
  },
  { key: 'random', picker: new RandomPicker(streams.get('random')), hosts: equal, hashed: false },
  { key: 'ringHash', picker: new RingHashPicker(streams.get('ring')), hosts: equal, hashed: true },
  { key: 'maglev', picker: new MaglevPicker(streams.get('maglev')), hosts: equal, hashed: true },
];

const only = process.env.LB_BENCH_ONLY;
const tasks = allTasks.filter((t) => only === undefined || t.key === only);

/** The measured loop; returns a checksum so the picks cannot be optimized away. */
function run(task: Task): number {
  const { picker } = task;
  const hash: Uint64 = { hi: 0, lo: 0 };
  let sum = 0;
  for (let i = 0; i < PICKS_PER_ITERATION; i++) {
    let picked: Host | null;
    if (task.hashed) {
      hash.hi = hashHi[i & HASH_MASK]!;
      hash.lo = hashLo[i & HASH_MASK]!;
      picked = picker.pick(hash, 0);
    } else {
      picked = picker.pick(null, 0);
    }
    sum += picked!.index;
  }
  return sum;
}

const users = Array.from({ length: 1024 }, (_, i) => ({ headers: { 'x-user': `user-${i}` } }));
const hasher = new RequestHasher({ httpHeaderName: 'x-user' });
function hashRequests(): number {
  const out: Uint64 = { hi: 0, lo: 0 };
  let sum = 0;
  for (let i = 0; i < HASHES_PER_ITERATION; i++) {
    hasher.hash(users[i & 1023]!, out);
    sum += out.lo;
  }
  return sum;
}

const bench = new Bench({ name: 'lb', time: 2_000, iterations: 8, warmupTime: 300, warmupIterations: 2 });
let checksum = 0;
for (const task of tasks) {
  task.picker.refresh(task.hosts, 0);
  bench.add(task.key, () => {
    checksum += run(task);
  });
}
bench.add('requestHashHeader', () => {
  checksum += hashRequests();
});

process.stderr.write(
  `lb bench: ${HOSTS} hosts, ${PICKS_PER_ITERATION.toLocaleString('en')} picks per iteration, Node ${process.version}\n`,
);
bench.runSync();

const nsPerOp: Record<string, number> = {};
for (const key of [...tasks.map((t) => t.key), 'requestHashHeader']) {
  const result = bench.getTask(key)?.result;
  if (result === undefined || !('latency' in result)) {
    throw new Error(`lb bench: task ${key} did not complete (${result?.state ?? 'missing'})`);
  }
  const ops = key === 'requestHashHeader' ? HASHES_PER_ITERATION : PICKS_PER_ITERATION;
  // The median iteration is robust to a stray GC or scheduler pause.
  const ns = Number(((result.latency.p50 * 1e6) / ops).toFixed(1));
  nsPerOp[key] = ns;
  const line = {
    bench: 'lb',
    task: key,
    hosts: HOSTS,
    opsPerIteration: ops,
    iterations: result.latency.samplesCount,
    medianMs: Number(result.latency.p50.toFixed(3)),
    rmePercent: Number(result.latency.rme.toFixed(2)),
    nsPerOp: ns,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stderr.write(`  ${key}: ${ns} ns per ${key === 'requestHashHeader' ? 'hash' : 'pick'}\n`);
}
process.stderr.write(`  (checksum ${checksum})\n`);
process.stdout.write(`${JSON.stringify({ bench: 'lb', nsPerOp })}\n`);
