import { RandomStreams, type Rng } from '../src/kernel/random-streams.js';
import type { ServerDirectory } from '../src/upstream/host.js';
import { Host } from '../src/upstream/host.js';

/** Pickers never touch the endpoint behind a host. */
const NO_SERVER = undefined as unknown as ServerDirectory;

/** Hosts 10.0.0.1:80, 10.0.0.2:80, … with the given weights (1 each by default). */
export function makeHosts(count: number, weights: readonly number[] = []): Host[] {
  return Array.from(
    { length: count },
    (_, i) => new Host(i, `10.0.0.${i + 1}`, 80, '', 0, weights[i] ?? 1, {}, NO_SERVER),
  );
}

export function hostAt(address: string, port: number, weight = 1, index = 0): Host {
  return new Host(index, address, port, '', 0, weight, {}, NO_SERVER);
}

export function rngOf(name: string, seed = 42): Rng {
  return new RandomStreams(seed).get(name);
}

/** An Rng that replays `draws` in order, then fails: for tests that script every random choice. */
export function scriptedRng(draws: readonly number[]): Rng {
  let next = 0;
  return () => {
    const draw = draws[next++];
    if (draw === undefined) throw new Error('scripted rng ran out of draws');
    return draw;
  };
}

/** How often each host was returned by `pick` over `n` picks. */
export function countPicks(pick: () => Host | null, n: number): Map<Host, number> {
  const counts = new Map<Host, number>();
  for (let i = 0; i < n; i++) {
    const host = pick();
    if (host === null) throw new Error('unexpected null pick');
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

/** Half-width of the two-sided binomial interval at z standard deviations: z·sqrt(n·p·(1−p)). */
export function binomialHalfWidth(n: number, p: number, z: number): number {
  return z * Math.sqrt(n * p * (1 - p));
}
