import { writeFileSync } from 'node:fs';
import type { CliIo } from './io.js';
import { UsageProblem } from './usage-problem.js';

/** Writes a command's result: to `file` when one was given (`--output`), else to stdout. */
export function writeOutput(io: CliIo, text: string, file?: string): void {
  if (file === undefined) {
    io.stdout(text);
    return;
  }
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageProblem(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
