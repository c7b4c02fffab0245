import { readFileSync } from 'node:fs';
import type { ConfigSource } from '../config/resources/load.js';
import { UsageProblem } from './usage-problem.js';

/** Files are read whole; anything larger is not a config a person wrote. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Reads the YAML files a command was given (configs and patches alike), each whole, as UTF-8. */
export function readSources(files: string[]): ConfigSource[] {
  return files.map((file) => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageProblem(`${file}: cannot read (${code ?? String(e)})`);
    }
    if (buffer.length > MAX_FILE_BYTES) {
      throw new UsageProblem(`${file}: ${buffer.length} bytes is over the ${MAX_FILE_BYTES}-byte limit`);
    }
    return { file, text: buffer.toString('utf8') };
  });
}
