import { type Command, InvalidArgumentError, Option } from 'commander';
import { atLeast, type Finding, type FindingLevel, LEVELS } from '../../analyze/finding.js';
import { hasErrors } from '../../config/resources/diagnostics.js';
import { collectYaml } from '../collect-yaml.js';
import { parseIstioVersion } from '../option-values.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { readSources } from '../read-input.js';
import { writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

/**
 * istioctl's exit codes (istioctl/cmd/sysexits.go): 79 when analyzers found issues at or above
 * --failure-threshold, 65 when input could not be parsed, 64 for incorrect usage.
 */
export const ANALYZE_EXIT = { foundIssues: 79, dataError: 65, incorrectUsage: 64 } as const;

interface AnalyzeCliOptions {
  output: 'log' | 'json' | 'yaml';
  failureThreshold: FindingLevel;
  outputThreshold: FindingLevel;
  namespace?: string;
  istioVersion?: string;
}

/** Info, Warning or Error, in any case (istioctl's MessageThreshold). */
function parseLevel(value: string): FindingLevel {
  const level = LEVELS.find((l) => l.toUpperCase() === value.toUpperCase());
  if (level === undefined) throw new InvalidArgumentError(`must be one of ${LEVELS.join(', ')}`);
  return level;
}

/** `meshsim analyze`: findings about the Istio files, each proven by a probe Scenario the engine ran. */
export function addAnalyzeCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const analyze = program
    .command('analyze')
    .description(
      'probe the Istio config by simulation (one endpoint failing, one hanging, half the load the pool admits, a locality down, a DNS change …) and report what the probes show; exit 79 on findings at --failure-threshold or worse, as istioctl analyze',
    )
    .argument('<paths...>', 'YAML files, or directories to search for *.yaml')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['log', 'json', 'yaml']).default('log'),
    )
    .option(
      '--failure-threshold <level>',
      'the level (Info, Warning, Error) at which to exit 79',
      parseLevel,
      'Error',
    )
    .option(
      '--output-threshold <level>',
      'the lowest level (Info, Warning, Error) printed',
      parseLevel,
      'Info',
    )
    .option('-n, --namespace <namespace>', "the caller's namespace (default: each ServiceEntry's own)")
    .option(
      '--istio-version <version>',
      'Istio release whose defaults apply (default 1.28)',
      parseIstioVersion,
    )
    .action(async (paths: string[], options: AnalyzeCliOptions) => {
      // Loaded when the command runs: the other commands start without the probes.
      const { analyzeConfig } = await import('../../analyze/analyze.js');
      const { formatFindingsJson, formatFindingsLog, formatFindingsYaml } = await import(
        '../../analyze/format-findings.js'
      );
      const FORMATS = { log: formatFindingsLog, json: formatFindingsJson, yaml: formatFindingsYaml } as const;
      const files = collectYaml(paths);
      const analysis = analyzeConfig(readSources(files), {
        ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
        ...(options.istioVersion !== undefined ? { istioVersion: options.istioVersion } : {}),
      });
      printDiagnostics(io, analysis.diagnostics);
      for (const s of analysis.skipped) io.stderr(`meshsim analyze: ${s}\n`);
      const shown = analysis.findings.filter((f) => atLeast(f.level, options.outputThreshold));
      writeOutput(io, FORMATS[options.output](shown));
      if (shown.length === 0 && options.output === 'log') {
        const probed = `${analysis.targets.length} host:port probed in ${analysis.probes} probe run(s)`;
        io.stderr(`✔ No findings when analyzing ${files.join(', ')} (${probed}).\n`);
      }
      context.exitCode = exitCode(
        analysis.findings,
        options.failureThreshold,
        hasErrors(analysis.diagnostics),
      );
    });
  // Usage errors of this command exit as istioctl's do (64), not with the CLI's 2.
  program.hook('preSubcommand', (_, sub) => {
    if (sub === analyze) context.usageExitCode = ANALYZE_EXIT.incorrectUsage;
  });
}

/** As istioctl: issues at the threshold win over unparsable input, which wins over success. */
function exitCode(findings: readonly Finding[], threshold: FindingLevel, badInput: boolean): number {
  if (findings.some((f) => atLeast(f.level, threshold))) return ANALYZE_EXIT.foundIssues;
  return badInput ? ANALYZE_EXIT.dataError : 0;
}
