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
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutFd: 1,
};
