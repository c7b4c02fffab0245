import { closeSync, openSync } from 'node:fs';
import { errorReason, writeAllToFd } from './fd-write.js';
import type { CliIo } from './io.js';
import { UsageProblem } from './usage-problem.js';

/** A file given with `--output`, opened before the run so that a bad path fails at once, not after it. */
export interface OutputFile {
  path: string;
  fd: number;
  /** The option that named it, for errors. */
  option: string;
}

/** Creates (or truncates) `path` for a command's result; one line, naming the option, if it cannot. */
export function openOutput(path: string, option = '--output'): OutputFile {
  try {
    return { path, fd: openSync(path, 'w'), option };
  } catch (e) {
    throw new UsageProblem(`${option} ${path}: cannot write (${errorReason(e)})`);
  }
}

/** Writes a command's result: to the `--output` file when one was opened, else to stdout. */
export function writeOutput(io: CliIo, text: string, output?: OutputFile): void {
  if (output === undefined) {
    io.stdout(text);
    return;
  }
  try {
    writeAllToFd(output.fd, text);
  } catch (e) {
    throw new UsageProblem(`${output.option} ${output.path}: cannot write (${errorReason(e)})`);
  } finally {
    closeSync(output.fd);
  }
}

/**
 * Writes a result made in parts, each as it comes (so a 50 MB explanation is never held whole): to the
 * file `open` gives, opened at the first part and closed at the end, else to stdout.
 */
export function writeOutputParts(
  io: CliIo,
  produce: (write: (part: string) => void) => void,
  open?: () => OutputFile,
): void {
  let output: OutputFile | undefined;
  try {
    produce((part) => {
      if (open === undefined) {
        io.stdout(part);
        return;
      }
      output ??= open();
      try {
        writeAllToFd(output.fd, part);
      } catch (e) {
        throw new UsageProblem(`${output.option} ${output.path}: cannot write (${errorReason(e)})`);
      }
    });
  } finally {
    if (output !== undefined) closeSync(output.fd);
  }
}
