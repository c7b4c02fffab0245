import { readFileSync } from 'node:fs';
import type { ConfigSource } from '../config/resources/load.js';
import { UsageProblem } from './usage-problem.js';

/** Files are read whole; anything larger is not a config a person wrote. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** What diagnostics call the input read from stdin (`-`). */
export const STDIN_NAME = '<stdin>';

let stdinReader: () => Buffer | string = () => readFileSync(0);

/** Where `-` reads from: the process's stdin, or a test's text. Returns the previous reader. */
export function setStdinReader(reader: () => Buffer | string): () => Buffer | string {
  const previous = stdinReader;
  stdinReader = reader;
  return previous;
}

/** A file's bytes; `-` is stdin, which can be read once. */
function readBytes(file: string, stdinUsed: { done: boolean }): Buffer {
  if (file !== '-') return readFileSync(file);
  if (stdinUsed.done) throw new UsageProblem('-: stdin is read once; give - a single time');
  stdinUsed.done = true;
  const read = stdinReader();
  return typeof read === 'string' ? Buffer.from(read, 'utf8') : read;
}

/** Reads the YAML files a command was given (configs and patches alike), each whole, as UTF-8; `-` is stdin. */
export function readSources(files: string[]): ConfigSource[] {
  const stdinUsed = { done: false };
  return files.map((file) => {
    let buffer: Buffer;
    try {
      buffer = readBytes(file, stdinUsed);
    } catch (e) {
      if (e instanceof UsageProblem) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageProblem(`${file}: cannot read (${code ?? String(e)})`);
    }
    if (buffer.length > MAX_FILE_BYTES) {
      throw new UsageProblem(`${file}: ${buffer.length} bytes is over the ${MAX_FILE_BYTES}-byte limit`);
    }
    return { file: file === '-' ? STDIN_NAME : file, text: buffer.toString('utf8') };
  });
}
