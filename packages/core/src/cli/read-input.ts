import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import type { ConfigSource } from '../config/resources/load.js';
import { UsageProblem } from './usage-problem.js';

/** Files are read whole; anything larger is not a config a person wrote. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** How the CLI names standard input, as Unix tools do. */
export const STDIN = '-';

/** What diagnostics call the input read from standard input. */
export const STDIN_NAME = '<stdin>';

type StdinReader = () => Buffer | string;
let stdinReader: StdinReader | undefined;

/** Where `-` reads from: a test's text, or (undefined) the process's stdin. Returns the previous reader. */
export function setStdinReader(reader: StdinReader | undefined): StdinReader | undefined {
  const previous = stdinReader;
  stdinReader = reader;
  return previous;
}

const KINDS: Array<[(s: Stats) => boolean, string]> = [
  [(s) => s.isDirectory(), 'a directory'],
  [(s) => s.isFIFO(), 'a named pipe'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isSocket(), 'a socket'],
];

const kindOf = (s: Stats): string => KINDS.find(([is]) => is(s))?.[1] ?? 'not a regular file';

function cannot(file: string, what: string, e: unknown): UsageProblem {
  const code = (e as NodeJS.ErrnoException).code;
  return new UsageProblem(`${file}: cannot ${what} (${code ?? String(e)})`);
}

/** Sleeps the thread `ms` milliseconds: a non-blocking stdin with nothing yet must be waited for. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads `fd` to its end or to one byte past `limit`, whichever comes first. */
function readAtMost(fd: number, limit: number, file: string): Buffer {
  const buffer = Buffer.alloc(Math.min(limit + 1, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= limit) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, Math.min(buffer.length, limit + 1 - total), null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        pause(5);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw cannot(file, 'read', e);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  if (total > limit) throw new UsageProblem(`${file}: more than ${limit} bytes, over the limit; not read`);
  return Buffer.concat(chunks, total);
}

/**
 * A regular file, opened without blocking (a named pipe with no writer would block `open`), checked for
 * its kind and size before a byte is read, and read no further than the limit.
 */
function readRegularFile(file: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw cannot(file, 'read', e);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new UsageProblem(
        `${file}: is ${kindOf(stats)}; give a regular file, or - to read standard input`,
      );
    }
    if (stats.size > limit) {
      throw new UsageProblem(`${file}: ${stats.size} bytes is over the ${limit}-byte limit; not read`);
    }
    return readAtMost(fd, limit, file);
  } finally {
    closeSync(fd);
  }
}

/** Where input comes from: the process's standard input, or a test's. */
export interface InputOptions {
  stdinFd?: number;
  maxBytes?: number;
}

function readStdin(options: InputOptions, limit: number): Buffer {
  if (options.stdinFd !== undefined || stdinReader === undefined) {
    return readAtMost(options.stdinFd ?? 0, limit, STDIN_NAME);
  }
  const read = stdinReader();
  const bytes = typeof read === 'string' ? Buffer.from(read, 'utf8') : read;
  if (bytes.length > limit)
    throw new UsageProblem(`${STDIN_NAME}: more than ${limit} bytes, over the limit; not read`);
  return bytes;
}

/**
 * Reads the YAML files a command was given (configs and patches alike), each whole: regular files, and
 * `-` for standard input (once), read up to the 16 MiB limit and no further. Anything else (a
 * directory, a device such as /dev/zero, a named pipe) gets a one-line error; nothing blocks forever
 * but a standard input that never ends its input below the limit.
 */
export function readSources(files: string[], options: InputOptions = {}): ConfigSource[] {
  const limit = options.maxBytes ?? MAX_FILE_BYTES;
  if (files.filter((f) => f === STDIN).length > 1) {
    throw new UsageProblem('- (standard input) can be given once');
  }
  return files.map((file) => {
    const bytes = file === STDIN ? readStdin(options, limit) : readRegularFile(file, limit);
    return { file: file === STDIN ? STDIN_NAME : file, text: bytes.toString('utf8') };
  });
}
