import type { CliIo } from '../io.js';

/** What a command's action works with: where to write, and the exit code when it ends without throwing. */
export interface CommandContext {
  readonly io: CliIo;
  exitCode: number;
}
