import { writeSync } from 'node:fs';
import { UsageProblem } from './usage-problem.js';

/** Sleeps the thread `ms` milliseconds: the run is synchronous, and a full non-blocking pipe must drain. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Writes all of `text` (a string as UTF-8, or bytes) to `fd`, through short writes and a non-blocking
 * descriptor's EAGAIN; any other error (EPIPE, ENOSPC …) is thrown as the system reported it.
 */
export function writeAllToFd(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      pause(1);
    }
  }
}

/** What a failed write's code means, for a one-line error. */
const REASONS: Record<string, string> = {
  EISDIR: 'is a directory',
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EPIPE: 'the reader has gone',
};

/** `CODE: reason`, or the error's text when it has no code. */
export function errorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === undefined) return String((e as Error).message ?? e);
  return `${code}${REASONS[code] ? `: ${REASONS[code]}` : ''}`;
}

/**
 * The reader of stdout has gone (`meshsim run … | head -1`): the CLI stops writing and ends quietly,
 * as a Unix tool that SIGPIPE ends would.
 */
export class ReaderGone extends Error {
  constructor() {
    super('the reader of stdout has gone');
  }
}

/** Writes to stdout's descriptor: a closed pipe is ReaderGone, a full disk one line. */
export function writeStdout(fd: number, text: string | Uint8Array): void {
  try {
    writeAllToFd(fd, text);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new ReaderGone();
    throw new UsageProblem(`cannot write to stdout (${errorReason(e)})`);
  }
}
