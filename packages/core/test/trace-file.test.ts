import { describe, expect, it } from 'vitest';
import { traceToStdout } from '../src/cli/trace-file.js';

describe('JsonLinesTrace', () => {
  it('writes whole lines in 64 KiB chunks while the run goes on, the rest on close', async () => {
    const chunks: string[] = [];
    const trace = await traceToStdout({ write: (t) => chunks.push(t) });
    // {"type":"request","tMs":100000,"request":1000000}\n is 49 + 1 = 50 characters for ids
    // 1000000..1009999 (7 digits each): a chunk is written at the line that brings it to ≥ 65,536 bytes,
    // the ⌈65536 / 50⌉ = 1,311th; 10,000 lines make ⌊10000 / 1311⌋ = 7 chunks during the run.
    for (let i = 0; i < 10_000; i++) trace.sink.request(100_000, 1_000_000 + i);
    expect(chunks.map((c) => c.length)).toEqual(Array(7).fill(1311 * 50));
    trace.close();
    // The last 10,000 − 7 × 1,311 = 823 lines on close.
    expect(chunks.at(-1)!.length).toBe(823 * 50);
    const lines = chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { request: number }).request)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => 1_000_000 + i),
    );
  });

  it('writes nothing for a run without events', async () => {
    const chunks: string[] = [];
    const trace = await traceToStdout({ write: (t) => chunks.push(t) });
    trace.close();
    expect(chunks).toEqual([]);
  });
});
