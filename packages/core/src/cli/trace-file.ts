import { closeSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TraceSink } from '../observe/trace.js';
import { TraceJsonLines } from '../observe/trace-json-lines.js';
import { errorReason, ReaderGone, writeAllToFd, writeStdout } from './fd-write.js';
import { CONTROL_BYTES, ERROR_BYTES, ERROR_LENGTH, feedMemory, TraceFeed } from './trace-feed.js';
import { UsageProblem } from './usage-problem.js';

/** A trace destination could not be opened or written; the message says which and why, in one line. */
export class TraceFileError extends Error {}

/** A run's event trace as JSON Lines (one `TraceEvent` per line, in event order), written as the run goes. */
export interface TraceWriter {
  /** For `runPlan`'s `trace` hook. */
  readonly sink: TraceSink;
  /** Writes the rest, whole lines only, and closes the destination. */
  close(): void;
}

/** Where a trace goes: a descriptor, of `--trace FILE` (named, for errors) or stdout (`file` null). */
export interface TraceOutput {
  fd: number;
  file: string | null;
}

/** Writes chunks of whole lines to the output: a failure names `--trace FILE`, or is stdout's. */
export function traceChunkWriter({ fd, file }: TraceOutput): (chunk: Uint8Array) => void {
  // A reader of stdout that has gone ends the command quietly, as it does for the report.
  if (file === null) return (chunk) => writeStdout(fd, chunk);
  return (chunk) => {
    try {
      writeAllToFd(fd, chunk);
    } catch (e) {
      throw failure(file, 'write', e);
    }
  };
}

/**
 * Formats each event in the run's thread, synchronously: `runPlan` never yields to the event loop,
 * so an `fs.WriteStream` would queue the whole trace in memory until the run ended.
 */
export class JsonLinesTrace implements TraceWriter {
  private readonly lines: TraceJsonLines;

  /** `write` takes a chunk of whole lines (its bytes are reused once it returns); `close` ends the output. */
  constructor(
    write: (chunk: Uint8Array) => void,
    private readonly closeOutput: () => void,
  ) {
    this.lines = new TraceJsonLines(write);
  }

  get sink(): TraceSink {
    return this.lines;
  }

  close(): void {
    try {
      this.lines.flush();
    } finally {
      this.closeOutput();
    }
  }
}

/**
 * Formats and writes the trace in a thread of its own (trace-writer-thread.ts), which the run feeds
 * through shared memory: the run pays a few stores per event, the formatting runs beside it, and a
 * full feed holds the run back, so memory stays bounded.
 */
class ThreadedTrace implements TraceWriter {
  readonly sink: TraceFeed;

  constructor(
    memory: SharedArrayBuffer,
    private readonly closeOutput: () => void,
  ) {
    this.sink = new TraceFeed(memory, () => {
      const control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
      const bytes = new Uint8Array(
        memory,
        memory.byteLength - ERROR_BYTES,
        Atomics.load(control, ERROR_LENGTH),
      );
      throw thrownHere(JSON.parse(new TextDecoder().decode(bytes.slice())) as ThrownAcross);
    });
  }

  close(): void {
    try {
      this.sink.end();
    } finally {
      this.closeOutput();
    }
  }
}

/** An error of the writer's thread, as it crosses to the run's: its kind and its one-line message. */
interface ThrownAcross {
  kind: 'reader-gone' | 'trace-file' | 'usage' | 'other';
  message: string;
}

/** The error as the writer's thread hands it over; 500 characters fit its 4 KiB as JSON, escapes and all. */
export function thrownAcross(e: unknown): ThrownAcross {
  const message = String((e as Error).message ?? e).slice(0, 500);
  if (e instanceof ReaderGone) return { kind: 'reader-gone', message };
  if (e instanceof TraceFileError) return { kind: 'trace-file', message };
  if (e instanceof UsageProblem) return { kind: 'usage', message };
  return { kind: 'other', message };
}

/** The same error again, in the run's thread. */
function thrownHere({ kind, message }: ThrownAcross): Error {
  if (kind === 'reader-gone') return new ReaderGone();
  if (kind === 'trace-file') return new TraceFileError(message);
  if (kind === 'usage') return new UsageProblem(message);
  return new Error(`the trace writer failed: ${message}`);
}

/** The writer thread's file beside this one: compiled JavaScript, or, from the TypeScript sources, a tsx shim. */
function writerThreadFile(): string {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  return fileURLToPath(
    new URL(fromSources ? './trace-writer-thread-tsx.mjs' : './trace-writer-thread.js', import.meta.url),
  );
}

/** A writer thread started before its output is opened: it loads while the run's config is planned. */
export interface TraceThread {
  memory: SharedArrayBuffer;
  worker: Worker;
  /** True once it runs; false when it could not start (the trace is then formatted in the run's thread). */
  started: Promise<boolean>;
}

/** Starts the trace's writer thread when the machine has a second core for it; else undefined. */
export function startTraceThread(): TraceThread | undefined {
  if (availableParallelism() < 2) return undefined;
  const memory = feedMemory();
  const worker = new Worker(writerThreadFile(), { workerData: { memory } });
  const started = new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  }).finally(() => {
    // Once started it never holds the process: the run's close waits for it through the shared memory.
    worker.unref();
  });
  return { memory, worker, started };
}

/** The trace through the writer thread, once it is ready; else, or when it cannot start, in the run's thread. */
async function writerFor(
  output: TraceOutput,
  closeOutput: () => void,
  given: TraceThread | undefined,
): Promise<TraceWriter> {
  const thread = given ?? startTraceThread();
  if (thread === undefined || !(await thread.started))
    return new JsonLinesTrace(traceChunkWriter(output), closeOutput);
  thread.worker.postMessage(output);
  return new ThreadedTrace(thread.memory, closeOutput);
}

function failure(flagValue: string, what: string, e: unknown): TraceFileError {
  return new TraceFileError(`--trace ${flagValue}: cannot ${what} (${errorReason(e)})`);
}

/**
 * Creates (or truncates) `file` for the trace; fails at once, before a run, if it cannot. The trace is
 * formatted by `thread` (from `startTraceThread`), or by a writer thread started now.
 */
export async function traceToFile(file: string, thread?: TraceThread): Promise<TraceWriter> {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw failure(file, 'write', e);
  }
  return writerFor({ fd, file }, () => closeSync(fd), thread);
}

/**
 * The trace on stdout (`--trace -`): through the descriptor when there is one, so that a slow
 * reader holds the run back instead of the trace piling up in memory; else through `write`.
 */
export async function traceToStdout(
  stdout: {
    fd?: number;
    write: (text: string) => void;
  },
  thread?: TraceThread,
): Promise<TraceWriter> {
  const { fd, write } = stdout;
  if (fd !== undefined) return writerFor({ fd, file: null }, () => {}, thread);
  void thread?.worker.terminate();
  return new JsonLinesTrace(
    (chunk) => write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('utf8')),
    () => {},
  );
}
