import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceListener } from '../observe/trace.js';

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

const REASONS: Record<string, string> = {
  EISDIR: 'is a directory',
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EPIPE: 'the reader has gone',
};

function failure(flagValue: string, what: string, e: unknown): TraceFileError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === undefined ? String(e) : `${code}${REASONS[code] ? `: ${REASONS[code]}` : ''}`;
  return new TraceFileError(`--trace ${flagValue}: cannot ${what} (${reason})`);
}

/** Sleeps the thread `ms` milliseconds: the run is synchronous, and a full non-blocking pipe must drain. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes all of `chunk` to `fd`, through short writes and a non-blocking descriptor's EAGAIN. */
function writeAll(fd: number, chunk: string, flagValue: string): void {
  const bytes = Buffer.from(chunk, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') pause(1);
      else throw failure(flagValue, 'write', e);
    }
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
    write: fd === undefined ? write : (chunk) => writeAll(fd, chunk, '-'),
    close: () => {},
  });
}
