// Input files: regular files, checked for their kind and size before a byte is read and read no further
// than the limit, and `-` for standard input; devices, pipes and directories get one line, never a hang.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, readSources } from '../src/cli/read-input.js';
import { cli } from './fixtures/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one line `meshsim run FILE` answers with, and its exit code. */
async function refusal(file: string): Promise<{ code: number; line: string }> {
  const { code, stdout, stderr } = await cli('run', file);
  expect(stdout).toBe('');
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return { code, line: lines[0]! };
}

describe('meshsim reads regular files only', () => {
  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    ['/dev/null', 'a character device'],
  ])('%s is refused at once, unread', async (file, kind) => {
    expect(await refusal(file)).toEqual({
      code: 1,
      line: `meshsim: ${file}: is ${kind}; give a regular file, or - to read standard input`,
    });
  });

  it('a named pipe without a writer is refused, not waited on forever', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toEqual({
      code: 1,
      line: `meshsim: ${fifo}: is a named pipe; give a regular file, or - to read standard input`,
    });
  });

  it('a directory is refused in one line', async () => {
    expect((await refusal(dir)).line).toBe(
      `meshsim: ${dir}: is a directory; give a regular file, or - to read standard input`,
    );
  });

  it('a file over 16 MiB is refused by its size, before a byte is read', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 17 * 1024 * 1024); // sparse: reading it would be the only slow part
    expect(await refusal(big)).toEqual({
      code: 1,
      line: `meshsim: ${big}: 17825792 bytes is over the 16777216-byte limit; not read`,
    });
  });
});

describe('- reads standard input', () => {
  it('up to the limit, as one source named <stdin>', () => {
    const file = join(dir, 'stdin.yaml');
    writeFileSync(file, 'kind: Scenario\n');
    const fd = openSync(file, 'r');
    try {
      expect(readSources(['-'], { stdinFd: fd })).toEqual([{ file: '<stdin>', text: 'kind: Scenario\n' }]);
    } finally {
      closeSync(fd);
    }
  });

  it('stops reading one byte past the limit, whatever follows', () => {
    const file = join(dir, 'endless.yaml');
    writeFileSync(file, 'y\n'.repeat(1000));
    const fd = openSync(file, 'r');
    try {
      expect(() => readSources(['-'], { stdinFd: fd, maxBytes: 100 })).toThrow(
        '<stdin>: more than 100 bytes, over the limit; not read',
      );
    } finally {
      closeSync(fd);
    }
    expect(MAX_FILE_BYTES).toBe(16 * 1024 * 1024);
  });

  it('can be given once', async () => {
    const { code, stderr } = await cli('run', '-', '-');
    expect(code).toBe(1);
    expect(stderr).toBe('meshsim: - (standard input) can be given once\n');
  });
});
