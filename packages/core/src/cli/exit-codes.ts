import { constants } from 'node:os';

/**
 * The CLI's exit codes. 0: done. 1: bad input, failed validation (a diagnostic says which file, line
 * and field) or an expectation not met. 2: a usage error. 3: the report is partial, the run stopped at its event budget or its
 * limit of requests in flight. 128 + N: stopped by signal N (130 for SIGINT, 143 for SIGTERM), after
 * writing the partial report. 141: stdout's reader went away, so output stopped quietly. 70: a bug in
 * meshsim.
 */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_PARTIAL = 3;
export const EXIT_INTERNAL = 70;
/** stdout's reader went away (`| head`): 128 + SIGPIPE, as a Unix tool that signal ends. */
export const EXIT_READER_GONE = 141;

/** The exit code of a run stopped by `signal`, as shells report one: 128 + its number. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
