import { closeSync, openSync } from 'node:fs';
import type { TraceListener } from '../observe/trace.js';
import { errorReason, writeAllToFd, writeStdout } from './fd-write.js';

/** Characters gathered before each write: few system calls, and memory bounded however long the run. */
const CHUNK_CHARS = 64 * 1024;

/** A trace destination could not be opened or written; the message says which and why, in one line. */
export class TraceFileError extends Error {}

/** Where the JSON Lines go: `write` takes a chunk of whole lines, `close` ends the output. */
interface TraceSink {
  write(chunk: string): void;
  close(): void;
}

/**
 * Writes a run's event trace as JSON Lines (one `TraceEvent` per line, in event order) while the
 * run goes on. Synchronous on purpose: `runPlan` never yields to the event loop, so an
 * `fs.WriteStream` would queue the whole trace in memory until the run ended.
 */
export class JsonLinesTrace {
  private pending = '';

  constructor(private readonly sink: TraceSink) {}

  /** For `runPlan`'s `trace` hook: the event is serialized at once, never kept. */
  readonly listener: TraceListener = (event) => {
    this.pending += `${JSON.stringify(event)}\n`;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  };

  /** Writes what is buffered and closes the destination. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.sink.close();
    }
  }

  private flush(): void {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.sink.write(chunk);
  }
}

function failure(flagValue: string, what: string, e: unknown): TraceFileError {
  return new TraceFileError(`--trace ${flagValue}: cannot ${what} (${errorReason(e)})`);
}

/** Writes all of `chunk` to `fd`; a failure names the flag. */
function writeAll(fd: number, chunk: string, flagValue: string): void {
  try {
    writeAllToFd(fd, chunk);
  } catch (e) {
    throw failure(flagValue, 'write', e);
  }
}

/** Creates (or truncates) `file` for the trace; fails at once, before a run, if it cannot. */
export function traceToFile(file: string): JsonLinesTrace {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw failure(file, 'write', e);
  }
  return new JsonLinesTrace({
    write: (chunk) => writeAll(fd, chunk, file),
    close: () => closeSync(fd),
  });
}

/**
 * The trace on stdout (`--trace -`): through the descriptor when there is one, so that a slow
 * reader holds the run back instead of the trace piling up in memory; else through `write`.
 */
export function traceToStdout(stdout: { fd?: number; write: (text: string) => void }): JsonLinesTrace {
  const { fd, write } = stdout;
  return new JsonLinesTrace({
    // A reader that has gone ends the command quietly, as it does for the report.
    write: fd === undefined ? write : (chunk) => writeStdout(fd, chunk),
    close: () => {},
  });
}
