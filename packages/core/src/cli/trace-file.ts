import { closeSync, openSync } from 'node:fs';
import type { TraceSink } from '../observe/trace.js';
import { TraceJsonLines } from '../observe/trace-json-lines.js';
import { errorReason, writeAllToFd, writeStdout } from './fd-write.js';

/** A trace destination could not be opened or written; the message says which and why, in one line. */
export class TraceFileError extends Error {}

/**
 * Writes a run's event trace as JSON Lines (one `TraceEvent` per line, in event order) while the
 * run goes on. Synchronous on purpose: `runPlan` never yields to the event loop, so an
 * `fs.WriteStream` would queue the whole trace in memory until the run ended.
 */
export class JsonLinesTrace {
  private readonly lines: TraceJsonLines;

  /** `write` takes a chunk of whole lines (its bytes are reused once it returns); `close` ends the output. */
  constructor(
    write: (chunk: Uint8Array) => void,
    private readonly closeOutput: () => void,
  ) {
    this.lines = new TraceJsonLines(write);
  }

  /** For `runPlan`'s `trace` hook: each event is formatted at once, never kept. */
  get sink(): TraceSink {
    return this.lines;
  }

  /** Writes what is buffered and closes the destination. */
  close(): void {
    try {
      this.lines.flush();
    } finally {
      this.closeOutput();
    }
  }
}

function failure(flagValue: string, what: string, e: unknown): TraceFileError {
  return new TraceFileError(`--trace ${flagValue}: cannot ${what} (${errorReason(e)})`);
}

/** Creates (or truncates) `file` for the trace; fails at once, before a run, if it cannot. */
export function traceToFile(file: string): JsonLinesTrace {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw failure(file, 'write', e);
  }
  return new JsonLinesTrace(
    (chunk) => {
      try {
        writeAllToFd(fd, chunk);
      } catch (e) {
        throw failure(file, 'write', e);
      }
    },
    () => closeSync(fd),
  );
}

/**
 * The trace on stdout (`--trace -`): through the descriptor when there is one, so that a slow
 * reader holds the run back instead of the trace piling up in memory; else through `write`.
 */
export function traceToStdout(stdout: { fd?: number; write: (text: string) => void }): JsonLinesTrace {
  const { fd, write } = stdout;
  return new JsonLinesTrace(
    // A reader that has gone ends the command quietly, as it does for the report.
    fd === undefined
      ? (chunk) => write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('utf8'))
      : (chunk) => writeStdout(fd, chunk),
    () => {},
  );
}
