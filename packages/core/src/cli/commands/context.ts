import type { CliIo } from '../io.js';

/** What a command's action works with: where to write, and the exit code when it ends without throwing. */
export interface CommandContext {
  readonly io: CliIo;
  exitCode: number;
  /** The exit code of a usage error in the command being run (default 2; analyze: istioctl's 64). */
  usageExitCode?: number;
}
