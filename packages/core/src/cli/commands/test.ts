import { type Command, InvalidArgumentError } from 'commander';
import { collectYaml } from '../collect-yaml.js';
import type { TestRun } from '../scenario-tests.js';
import { type OutputFile, openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

const REPORTER_NAMES = ['default', 'junit', 'github', 'json'] as const;
type ReporterName = (typeof REPORTER_NAMES)[number];

/** The reporters, loaded when the command runs: the other commands start without them. */
async function loadReporters(): Promise<Record<ReporterName, (run: TestRun) => string>> {
  const [{ formatDefault }, { formatJunit }, { formatGithub }, { formatJson }] = await Promise.all([
    import('../reporters/default-reporter.js'),
    import('../reporters/junit-reporter.js'),
    import('../reporters/github-reporter.js'),
    import('../reporters/json-reporter.js'),
  ]);
  return { default: formatDefault, junit: formatJunit, github: formatGithub, json: formatJson };
}
/** Reporters that write a document for machines, which `--output-file` can send to a file. */
const TO_FILE: readonly ReporterName[] = ['junit', 'json'];

interface TestOptions {
  config: string[];
  reporter?: ReporterName[];
  output?: string;
  outputFile?: string;
  passWithNoTests?: boolean;
}

function collectReporter(value: string, previous: ReporterName[] | undefined): ReporterName[] {
  if (!(REPORTER_NAMES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${REPORTER_NAMES.join(', ')}`);
  return [...(previous ?? []), value as ReporterName];
}

const collectPath = (value: string, previous: string[]): string[] => [...previous, value];

/** `meshsim test`: every Scenario with expectations under DIRs or in FILEs, judged, with reporters for CI. */
export function addTestCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const test: Command = program.command('test');
  test
    .description(
      'run every Scenario that has expectations (spec.expect) in DIRs or FILEs; exit 1 when one is not met',
    )
    .argument('[paths...]', 'Scenario files, or directories to search for *.yaml (default: .)')
    .option(
      '--config <path>',
      'Istio resources (a file, or a directory of them) every Scenario runs against; repeatable',
      collectPath,
      [],
    )
    .option(
      '--reporter <name>',
      'default (a summary), junit (JUnit XML), github (workflow annotations) or json; repeatable',
      collectReporter,
    )
    .option('--output-file <file>', 'write the junit or json reporter to FILE instead of stdout')
    .option('-o, --output <file>', 'the old name of --output-file, deprecated')
    .option('--pass-with-no-tests', 'exit 0 when no Scenario with expectations is found')
    .action(async (paths: string[], options: TestOptions) => {
      const reporters = options.reporter ?? ['default'];
      const toFile = reporters.filter((r) => TO_FILE.includes(r));
      if (options.output !== undefined) {
        if (options.outputFile !== undefined) test.error('error: give the file once, to --output-file');
        io.stderr(`meshsim: -o/--output FILE is deprecated: use --output-file ${options.output}\n`);
        options.outputFile = options.output;
      }
      if (options.outputFile !== undefined && toFile.length !== 1)
        test.error('error: --output-file takes the output of exactly one of the junit and json reporters');
      const configFiles = collectYaml(options.config);
      const files = collectYaml(paths.length === 0 ? ['.'] : paths);
      const now = io.now ?? (() => performance.now());
      // Opened before the runs: a bad path fails in a moment, not after them.
      const output = options.outputFile === undefined ? undefined : openOutput(options.outputFile);
      const { runScenarioTests } = await import('../scenario-tests.js');
      const run = runScenarioTests(files, configFiles, now);
      report(run, reporters, await loadReporters(), output, context);
      if (run.tests.every((t) => t.status === 'skipped') && options.passWithNoTests !== true) {
        io.stderr(
          `meshsim test: no Scenario with expectations (spec.expect) in ${paths.join(', ') || '.'}\n`,
        );
        context.exitCode = 1;
      } else if (!run.passed) context.exitCode = 1;
    });
}

function report(
  run: TestRun,
  reporters: ReporterName[],
  formats: Record<ReporterName, (run: TestRun) => string>,
  output: OutputFile | undefined,
  { io }: CommandContext,
): void {
  for (const name of reporters) {
    const text = formats[name](run);
    writeOutput(io, text, TO_FILE.includes(name) ? output : undefined);
  }
}
