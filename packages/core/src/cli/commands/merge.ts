import type { Command } from 'commander';
import { formatCompareTable, formatSweepTable } from '../format-compare.js';
import { addOutputOptions } from '../output-option.js';
import { UsageProblem } from '../usage-problem.js';
import { openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';
import {
  asUsageProblem,
  openTuneOutputs,
  resolveTuneOutput,
  TUNE_FORMATS,
  type TuneOutputOptions,
  writeTuneOutputs,
} from './tune.js';

/** `meshsim merge`: the parts of a sharded compare or tune, joined into the report one machine gives. */
export function addMergeCommand(program: Command, context: CommandContext): void {
  const command: Command = program
    .command('merge')
    .description(
      'join the parts of a sharded compare or tune (--shard K/N --out part-K.json) into its report',
    )
    .argument('<parts...>', 'part files (or directories of them), every shard once');
  addOutputOptions(command, TUNE_FORMATS)
    .option('--patch <file>', "tune: write the winner's resources (YAML to apply) to FILE")
    .option('--html <file>', 'tune: write the response surface as an HTML page to FILE')
    .action(async (paths: string[], options: TuneOutputOptions) => {
      resolveTuneOutput(command, options, context);
      try {
        // Loaded when the command runs: the other commands start without the parts' schema.
        const { partFiles, readPart } = await import('../../shard/part-file.js');
        const { combineParts, mergeParts } = await import('../../shard/merge.js');
        const parts = paths.flatMap(partFiles).map(readPart);
        const merged = await mergeParts(combineParts(parts, true));
        if (merged.kind === 'tune') {
          await writeTuneOutputs(context, merged.report, openTuneOutputs(options));
          return;
        }
        if (options.patch !== undefined || options.html !== undefined)
          throw new UsageProblem(`--patch and --html are for a tune's parts; these are a ${merged.kind}'s`);
        const text =
          options.format === 'json'
            ? `${JSON.stringify(merged.report, null, 2)}\n`
            : merged.kind === 'compare'
              ? formatCompareTable(merged.report)
              : formatSweepTable(merged.report);
        writeOutput(
          context.io,
          text,
          options.output === undefined ? undefined : openOutput(options.output, options.outputOption),
        );
      } catch (e) {
        throw asUsageProblem(e);
      }
    });
}
