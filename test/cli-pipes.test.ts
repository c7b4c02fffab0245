// The CLI among Unix pipes: a reader that goes away ends it quietly (in a real process), a full disk gets
// one line, and --output-file is checked before a run. Standard input is tested in packages/core/test/cli-input.
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReaderGone, writeStdout } from '../packages/core/src/cli/fd-write.js';
import { main } from '../packages/core/src/cli/main.js';
import { cli } from '../packages/core/test/fixtures/cli.js';
import { spawnCli } from './fixtures/cli-process.js';

/** A stack trace line, as Node prints it (`    at fn (file:1:2)`). */
const STACK_FRAME = /^\s+at /m;

describe('meshsim among pipes', () => {
  it('`run --trace - … | head -1`: a reader that goes away ends it quietly, 141 as SIGPIPE would', async () => {
    const { child, exited } = spawnCli([
      'run',
      'examples/flaky-api.yaml',
      '--trace',
      '-',
      '--output-file',
      '/dev/null',
    ]);
    // Read a first chunk, then go away as `head -1` does; the trace is megabytes, far past a pipe's buffer.
    child.stdout!.once('data', () => child.stdout!.destroy());
    const { code, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('a reader gone while the report is written: no message, exit 141', async () => {
    let stderr = '';
    const code = await main(['validate', 'examples/flaky-api.yaml'], {
      stdout: () => {
        throw new ReaderGone();
      },
      stderr: (t) => {
        stderr += t;
      },
    });
    expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
  });

  it('`run … > /dev/full`: one line, exit 1', async () => {
    const full = openSync('/dev/full', 'w');
    let stderr = '';
    try {
      const code = await main(['run', 'examples/flaky-api.yaml', '--duration', '5s'], {
        stdout: (t) => writeStdout(full, t),
        stderr: (t) => {
          stderr += t;
        },
      });
      expect(stderr).toBe('meshsim: cannot write to stdout (ENOSPC: no space left on device)\n');
      expect(code).toBe(1);
    } finally {
      closeSync(full);
    }
  });

  it('--output-file that cannot be written fails before a day-long run, not after it', async () => {
    // A day of flaky-api would take about a minute; the test's timeout would catch a late check.
    const { code, stdout, stderr } = await cli(
      'run',
      'examples/flaky-api.yaml',
      '--duration',
      '24h',
      '--output-file',
      '/nonexistent-dir/report.txt',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'meshsim: --output-file /nonexistent-dir/report.txt: cannot write (ENOENT: no such directory)\n',
    );
    expect(stderr).not.toMatch(STACK_FRAME);
  }, 10_000);
});
