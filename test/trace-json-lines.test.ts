// The JSON Lines `meshsim run --trace` writes are a contract: each line is what JSON.stringify makes of
// the TraceEvent a trace listener gets. TraceJsonLines writes them without an object or a string per
// event; here its bytes are held to JSON.stringify's on real runs and on values no run makes.
import { readFileSync } from 'node:fs';
import { type SimulationSpec, simulate, type TraceEvent } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { type TraceSink, traceEventsTo } from '../packages/core/src/observe/trace.js';
import { TRACE_CHUNK_BYTES, TraceJsonLines } from '../packages/core/src/observe/trace-json-lines.js';
import { twoPrioritiesSpec } from './fixtures/two-priorities-panic.js';

const here = (path: string) => new URL(path, import.meta.url);
const source = (path: string) => ({ file: path, text: readFileSync(here(path), 'utf8') });

/** What the trace file would hold: JSON.stringify of each event, a line each. */
const stringified = (events: readonly TraceEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');

/** A TraceJsonLines whose chunks are kept (copied: its buffer is reused), and all it wrote so far. */
function jsonLines() {
  const chunks: Uint8Array[] = [];
  const lines = new TraceJsonLines((bytes) => chunks.push(bytes.slice()));
  const text = () => {
    lines.flush();
    return Buffer.concat(chunks).toString('utf8');
  };
  return { lines, chunks, text };
}

const runs: Array<[string, SimulationSpec]> = [
  ['examples/flaky-api.yaml: retries, ejections', { config: source('../examples/flaky-api.yaml') }],
  ['a priority in panic', twoPrioritiesSpec('5s', '20s')],
  [
    'catalog 01: ORIGINAL_DST over tcp_proxy',
    { config: source('../packages/scenarios/catalog/01-onprem-database.yaml'), duration: '20s' },
  ],
  [
    'catalog 02: a connection per tcp_proxy session',
    { config: source('../packages/scenarios/catalog/02-payment-gateway.yaml'), duration: '20s' },
  ],
  [
    'catalog 06: ejections past the limit, resets',
    { config: source('../packages/scenarios/catalog/06-api-advanced-health.yaml') },
  ],
];

describe('TraceJsonLines on real runs', () => {
  const seen = new Set<string>();
  it.each(runs)('%s: the same bytes as JSON.stringify of each event', (_, spec) => {
    const events: TraceEvent[] = [];
    simulate(spec, { trace: (e) => events.push(e) });
    const { lines, text } = jsonLines();
    simulate(spec, { trace: lines });
    expect(text()).toBe(stringified(events));
    for (const e of events) {
      seen.add(e.type);
      if (e.type === 'attempt') seen.add(`panic ${e.panic}, originalDst ${e.originalDst === true}`);
      if (e.type === 'response') seen.add(`flags ${e.flags}`);
    }
  });

  it('those runs hold every event type, both panics, originalDst and a flag besides -', () => {
    expect([...seen].sort()).toEqual([
      'attempt',
      'cx-close',
      'cx-open',
      'eject',
      'flags -',
      'flags UH',
      'panic false, originalDst false',
      'panic false, originalDst true',
      'panic true, originalDst false',
      'request',
      'response',
      'uneject',
    ]);
  });
});

/** The same calls to a TraceJsonLines and to a listener through traceEventsTo. */
function both(calls: (sink: TraceSink) => void): { bytes: string; json: string } {
  const events: TraceEvent[] = [];
  calls(traceEventsTo((e) => events.push(e)));
  const { lines, text } = jsonLines();
  calls(lines);
  return { bytes: text(), json: stringified(events) };
}

describe('TraceJsonLines on values no run makes', () => {
  it('escapes strings as JSON.stringify does: quotes, backslashes, control characters, non-ASCII, lone surrogates', () => {
    const odd = [
      'a"b\\c',
      'tab\there\nnewline\u0001\u001f\u007f',
      'é ü 世界 😀',
      'lone \ud800 and \udc00',
      '',
    ];
    const { bytes, json } = both((sink) => {
      for (const cluster of odd)
        for (const host of odd) {
          sink.attempt(1.5, 1, cluster, host, true, true);
          sink.ejection(2.5, cluster, host, true);
          sink.connectionOpened(3.5, cluster, host, 0, 1);
        }
      for (const flags of odd) sink.response(4.5, 1, 503, flags);
      for (const cluster of odd) sink.connectionClosed(5.5, cluster, 1);
    });
    expect(bytes).toBe(json);
  });

  it('writes numbers as JSON.stringify does past ids and millisecond times: 2^31, 2^53, fractions, negatives, NaN, ±∞, −0', () => {
    const numbers = [
      0,
      -0,
      1,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 53,
      1e21,
      1.5,
      -1,
      -(2 ** 31),
      0.1,
      1e-7,
      NaN,
      Infinity,
      -Infinity,
    ];
    const { bytes, json } = both((sink) => {
      for (const n of numbers) {
        sink.request(n, n);
        sink.response(n, n, n, '-');
        sink.attempt(n, n, 'c', 'h', false, false);
        sink.connectionOpened(n, 'c', 'h', n, n);
        sink.connectionClosed(n, 'c', n);
        sink.ejection(n, 'c', 'h', false);
      }
    });
    expect(bytes).toBe(json);
  });

  it('grows its buffer for a line longer than its room (a 100 KiB cluster name), and goes on', () => {
    const long = 'x'.repeat(100 * 1024);
    const { bytes, json } = both((sink) => {
      sink.request(1, 1);
      sink.attempt(1, 1, long, 'h:80', false, false);
      sink.attempt(2, 2, long, `${long}:80`, false, false);
      sink.response(3, 1, 200, '-');
    });
    expect(bytes).toBe(json);
  });

  it('writes chunks of whole lines, each the first to reach 64 KiB, the rest on flush', () => {
    const { lines, chunks, text } = jsonLines();
    // {"type":"request","tMs":100000,"request":1000000}\n: 50 bytes for ids of 7 digits.
    for (let i = 0; i < 10_000; i++) lines.request(100_000, 1_000_000 + i);
    const size = Math.ceil(TRACE_CHUNK_BYTES / 50) * 50;
    expect(chunks.map((c) => c.length)).toEqual(Array(Math.floor(10_000 / (size / 50))).fill(size));
    const all = text();
    expect(all.length).toBe(10_000 * 50);
    expect(chunks.at(-1)!.length).toBe(all.length - (chunks.length - 1) * size);
    lines.flush();
    expect(chunks.length).toBe(8);
  });
});
