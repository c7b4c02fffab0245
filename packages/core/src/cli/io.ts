import { writeAllToFd, writeStdout } from './fd-write.js';
import type { SignalSource } from './play-in-slices.js';

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress is shown only there. Default false. */
  stderrIsTTY?: boolean;
  /** Wall clock for progress (tests). */
  now?: () => number;
  /** What `-` reads (tests); default the process's stdin. */
  readStdin?: () => string;
  /** The descriptor behind `stdout`, for output that must stream as it is made (`--trace -`). */
  stdoutFd?: number;
  /** Where SIGINT and SIGTERM are heard during a run (they stop it, partial); none: not listened for. */
  signals?: SignalSource;
}

/**
 * The process's streams. stdout is written through its descriptor, synchronously: a reader that has
 * gone ends the command quietly (ReaderGone), a full disk gets one line. A closed stderr is ignored.
 */
export const processIo: CliIo = {
  stdout: (t) => writeStdout(1, t),
  stderr: (t) => {
    try {
      writeAllToFd(2, t);
    } catch {
      // Nowhere left to say it.
    }
  },
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutFd: 1,
  signals: {
    on: (signal, handler) => process.on(signal, handler),
    off: (signal, handler) => process.off(signal, handler),
  },
};
