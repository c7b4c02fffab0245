// The thread that writes a traced run's JSON Lines: it drains the run's feed (trace-feed.ts), formats
// each record as TraceJsonLines does in the run's own thread, and writes the chunks to the descriptor.
import { parentPort, workerData } from 'node:worker_threads';
import { TraceJsonLines } from '../observe/trace-json-lines.js';
import {
  ATTEMPT,
  CONNECTION_CLOSED,
  CONNECTION_OPENED,
  CONTROL_BYTES,
  DONE,
  EJECTION,
  END,
  ERROR_BYTES,
  ERROR_LENGTH,
  firstOf,
  flagsOf,
  kindOf,
  PUBLISH_EVERY,
  READ,
  REQUEST,
  RESPONSE,
  RING_SLOTS,
  RUN_WAITS,
  SLOT,
  STRING_PART,
  STRINGS_RESET,
  secondOf,
  WRITER_WAITS,
  WRITTEN,
} from './trace-feed.js';
import { type TraceOutput, thrownAcross, traceChunkWriter } from './trace-file.js';

interface WriterData {
  memory: SharedArrayBuffer;
  output: TraceOutput;
}

/** Formats and writes the feed's records until its end record; a failed write stops it with its error. */
function drain({ memory, output }: WriterData): void {
  const control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
  const slots = new Float64Array(memory, CONTROL_BYTES, RING_SLOTS * SLOT);
  const units = new Uint16Array(memory, CONTROL_BYTES, RING_SLOTS * SLOT * 4);
  const lines = new TraceJsonLines(traceChunkWriter(output));
  const strings: string[] = [];
  let part = '';
  let read = 0;
  let reported = 0;
  const report = () => {
    Atomics.store(control, READ, read);
    reported = read;
    if (Atomics.load(control, RUN_WAITS) === 1) Atomics.notify(control, READ);
  };
  for (;;) {
    const written = Atomics.load(control, WRITTEN);
    if (written === read) {
      report();
      Atomics.store(control, WRITER_WAITS, 1);
      if (Atomics.load(control, WRITTEN) === read) Atomics.wait(control, WRITTEN, read, 1000);
      Atomics.store(control, WRITER_WAITS, 0);
      continue;
    }
    while (read !== written) {
      const i = (read & (RING_SLOTS - 1)) * SLOT;
      read = (read + 1) | 0;
      const first = slots[i]!;
      switch (kindOf(first)) {
        case REQUEST:
          lines.request(slots[i + 1]!, slots[i + 2]!);
          break;
        case RESPONSE:
          lines.response(slots[i + 1]!, slots[i + 2]!, slots[i + 3]!, strings[firstOf(first)]!);
          break;
        case ATTEMPT: {
          const flags = flagsOf(first);
          const cluster = strings[firstOf(first)]!;
          const host = strings[secondOf(first)]!;
          lines.attempt(slots[i + 1]!, slots[i + 2]!, cluster, host, (flags & 1) !== 0, (flags & 2) !== 0);
          break;
        }
        case EJECTION:
          lines.ejection(
            slots[i + 1]!,
            strings[firstOf(first)]!,
            strings[secondOf(first)]!,
            flagsOf(first) === 1,
          );
          break;
        case CONNECTION_OPENED: {
          const cluster = strings[firstOf(first)]!;
          const host = strings[secondOf(first)]!;
          lines.connectionOpened(slots[i + 1]!, cluster, host, slots[i + 3]!, slots[i + 2]!);
          break;
        }
        case CONNECTION_CLOSED:
          lines.connectionClosed(slots[i + 1]!, strings[firstOf(first)]!, slots[i + 2]!);
          break;
        case STRING_PART: {
          const from = (i + 1) * 4;
          part += String.fromCharCode(...units.subarray(from, from + secondOf(first)));
          if (flagsOf(first) === 1) {
            strings[firstOf(first)] = part;
            part = '';
          }
          break;
        }
        case STRINGS_RESET:
          strings.length = 0;
          break;
        case END:
          lines.flush();
          report();
          return;
      }
      if (((read - reported) | 0) >= PUBLISH_EVERY) report();
    }
  }
}

// Started while the run's config is planned, the thread learns its output once that is opened.
const { memory } = workerData as { memory: SharedArrayBuffer };
const control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
parentPort!.once('message', (output: TraceOutput) => {
  try {
    drain({ memory, output });
  } catch (e) {
    // The run throws it in its own thread, as it would have thrown it writing there.
    const bytes = new TextEncoder().encode(JSON.stringify(thrownAcross(e))).subarray(0, ERROR_BYTES);
    new Uint8Array(memory, memory.byteLength - ERROR_BYTES).set(bytes);
    Atomics.store(control, ERROR_LENGTH, bytes.length);
  } finally {
    Atomics.store(control, DONE, 1);
    Atomics.notify(control, DONE);
    Atomics.notify(control, READ);
  }
});
parentPort!.postMessage('ready');
