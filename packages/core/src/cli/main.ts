import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/resources/diagnostics.js';
import { printable } from '../config/resources/printable.js';
import { meshsimVersion } from '../observe/report-version.js';
import type { CommandContext } from './commands/context.js';
import { EXIT_READER_GONE } from './exit-codes.js';
import { ReaderGone } from './fd-write.js';
import { type CliIo, processIo } from './io.js';
import { printDiagnostics } from './print-diagnostics.js';
import { setStdinReader } from './read-input.js';
import { TraceFileError } from './trace-file.js';
import { UsageProblem } from './usage-problem.js';

export type { CliIo } from './io.js';

type AddCommand = (program: Command, context: CommandContext) => void;

/** Each command and how to load it, in the order `meshsim --help` lists them. */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<AddCommand>]> = [
  ['run', async () => (await import('./commands/run.js')).addRunCommand],
  ['compare', async () => (await import('./commands/compare.js')).addCompareCommand],
  ['validate', async () => (await import('./commands/validate.js')).addValidateCommand],
  ['explain', async () => (await import('./commands/explain.js')).addExplainCommand],
  ['test', async () => (await import('./commands/test.js')).addTestCommand],
  ['analyze', async () => (await import('./commands/analyze.js')).addAnalyzeCommand],
  ['tune', async () => (await import('./commands/tune.js')).addTuneCommand],
  ['merge', async () => (await import('./commands/merge.js')).addMergeCommand],
  ['k8s-job', async () => (await import('./commands/k8s-job.js')).addK8sJobCommand],
];

/**
 * Runs the CLI and returns the exit code (see exit-codes.ts): 0 success, 1 bad input, failed validation
 * or an expectation not met, 2 usage, 3 a partial report, 128+n a signal, 70 a bug in meshsim.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const context: CommandContext = { io, exitCode: 0 };
  const program = new Command('meshsim')
    .description('Predict what an Istio/Envoy sidecar does to traffic before you ship the config.')
    .version(meshsimVersion(), '-V, --version', 'print the version of meshsim')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run meshsim --help for usage)');
  // Only the command named is loaded (all of them take a third of a second to load, the simulator's
  // modules most of it); help, a version or an unknown name load every one.
  const named = COMMANDS.find(([name]) => name === argv[0]);
  for (const [, load] of named === undefined ? COMMANDS : [named]) (await load())(program, context);
  const ownStdin = io.readStdin !== undefined;
  const previousStdin = ownStdin ? setStdinReader(io.readStdin) : undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    return exitCodeOf(e, io, context.usageExitCode);
  } finally {
    if (ownStdin) setStdinReader(previousStdin);
  }
  return context.exitCode;
}

/** Reports what a command threw, on stderr, and returns the exit code for it. */
function exitCodeOf(e: unknown, io: CliIo, usageExitCode = 2): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? 0 : usageExitCode;
  }
  if (e instanceof ConfigError) {
    printDiagnostics(io, e.diagnostics);
    return 1;
  }
  // The reader of stdout has gone: nothing more can be said, and a Unix tool would end quietly.
  if (e instanceof ReaderGone) return EXIT_READER_GONE;
  if (e instanceof UsageProblem || e instanceof TraceFileError) {
    io.stderr(`meshsim: ${printable(e.message)}\n`);
    return 1;
  }
  const detail = process.env.MESHSIM_DEBUG ? (e as Error).stack : String((e as Error).message ?? e);
  io.stderr(
    `meshsim: internal error: ${detail}\n(this is a bug in meshsim; MESHSIM_DEBUG=1 shows the stack)\n`,
  );
  return 70;
}
