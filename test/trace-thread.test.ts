// `meshsim run --trace FILE` formats and writes the trace in a thread of its own, fed through shared
// memory. What it writes must be what TraceJsonLines writes in the run's thread, byte for byte, through
// the feed's wrap-arounds, its waits for room and its numbering of strings; and a failed write must
// reach the run as the same one-line error.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulationSpec, simulate } from '@meshsim/core';
import { afterAll, describe, expect, it } from 'vitest';
import { RING_SLOTS, TraceFeed } from '../packages/core/src/cli/trace-feed.js';
import { TraceFileError, type TraceWriter, traceToFile } from '../packages/core/src/cli/trace-file.js';
import type { TraceSink } from '../packages/core/src/observe/trace.js';
import { TraceJsonLines } from '../packages/core/src/observe/trace-json-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-trace-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const source = (path: string) => ({ file: path, text: readFileSync(new URL(path, import.meta.url), 'utf8') });

/** What TraceJsonLines writes in this thread for the same calls. */
function inThisThread(calls: (sink: TraceSink) => void): string {
  const chunks: Buffer[] = [];
  const lines = new TraceJsonLines((bytes) => chunks.push(Buffer.from(bytes)));
  calls(lines);
  lines.flush();
  return Buffer.concat(chunks).toString('utf8');
}

/** What the writer thread puts in a file for those calls. */
async function throughTheThread(calls: (sink: TraceSink) => void): Promise<string> {
  const file = join(dir, `trace-${++files}.jsonl`);
  const writer: TraceWriter = await traceToFile(file);
  try {
    calls(writer.sink);
  } finally {
    writer.close();
  }
  return readFileSync(file, 'utf8');
}

describe('the trace writer thread', () => {
  it('is the one --trace FILE gets: the run only feeds it', async () => {
    const writer = await traceToFile(join(dir, 'kind.jsonl'));
    expect(writer.sink).toBeInstanceOf(TraceFeed);
    writer.close();
  });

  it.each<[string, SimulationSpec]>([
    ['examples/flaky-api.yaml', { config: source('../examples/flaky-api.yaml') }],
    [
      'catalog 02 (a connection per session)',
      { config: source('../packages/scenarios/catalog/02-payment-gateway.yaml'), duration: '20s' },
    ],
    [
      // 300,000 lines: the ring (65,536 records) wraps and the run waits for room.
      'the reference scenario for 20 s',
      { config: source('../benchmarks/perf/reference.yaml'), duration: '20s' },
    ],
  ])('writes %s as the run thread would, byte for byte', async (_, spec) => {
    const expected = inThisThread((sink) => simulate(spec, { trace: sink }));
    expect(expected.split('\n').length).toBeGreaterThan(1000);
    expect(await throughTheThread((sink) => simulate(spec, { trace: sink }))).toBe(expected);
  });

  it('carries strings of every length and kind, and more distinct ones than it numbers at once', async () => {
    const calls = (sink: TraceSink) => {
      const odd = ['', 'a"b\\c', 'é 世界 😀 \ud800', 'x'.repeat(1000), 'outbound|80||ref.example.com'];
      for (const cluster of odd) for (const host of odd) sink.attempt(1.25, 7, cluster, host, true, false);
      // 20,000 hosts, past the 4,094 the feed numbers before it starts again, each named twice; 80,000
      // events, past the ring's 65,536 records.
      for (let i = 0; i < 20_000; i++) {
        sink.connectionOpened(2.5 + i, 'c', `10.0.${i >> 8}.${i & 255}:80`, i % 2, i + 1);
        sink.ejection(3.5 + i, 'c', `10.0.${i >> 8}.${i & 255}:80`, i % 3 === 0);
        sink.response(4.5 + i, i, 200 + (i % 7), `F${i % 5000}`);
        sink.connectionClosed(5.5 + i, `cluster-${i}`, i + 1);
      }
    };
    const expected = inThisThread(calls);
    expect(expected.split('\n').length).toBeGreaterThan(RING_SLOTS);
    expect(await throughTheThread(calls)).toBe(expected);
  });

  it('brings a failed write back to the run as the one-line --trace error (a full disk)', async () => {
    const writer = await traceToFile('/dev/full');
    let thrown: unknown;
    try {
      // Far more than a chunk: the thread writes, fails and stops while the run goes on feeding it.
      for (let i = 0; i < 200_000; i++) writer.sink.request(i + 0.5, i + 1);
    } catch (e) {
      thrown = e;
    }
    try {
      writer.close();
    } catch (e) {
      thrown ??= e;
    }
    expect(thrown).toBeInstanceOf(TraceFileError);
    expect((thrown as Error).message).toBe(
      '--trace /dev/full: cannot write (ENOSPC: no space left on device)',
    );
  });
});
