import type { SignalSource } from './play-in-slices.js';

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress is shown only there. Default false. */
  stderrIsTTY?: boolean;
  /** Wall clock for progress (tests). */
  now?: () => number;
  /** The descriptor behind `stdout`, for output that must stream as it is made (`--trace -`). */
  stdoutFd?: number;
  /** Where SIGINT and SIGTERM are heard during a run (they stop it, partial); none: not listened for. */
  signals?: SignalSource;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutFd: 1,
  signals: {
    on: (signal, handler) => process.on(signal, handler),
    off: (signal, handler) => process.off(signal, handler),
  },
};
