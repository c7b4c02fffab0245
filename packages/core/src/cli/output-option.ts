import { type Command, Option } from 'commander';
import type { CliIo } from './io.js';

/** What `-o/--output`, `-f/--format` and `--output-file` asked for. */
export interface OutputOptions {
  output?: string;
  format?: string;
  outputFile?: string;
}

/**
 * Adds the output options, spelled as kubectl and istioctl spell them: `-o, --output <format>`, with
 * `-f, --format` kept as its older name, and `--output-file <file>` for where the result goes.
 */
export function addOutputOptions(command: Command, formats: readonly string[]): Command {
  return command
    .addOption(
      new Option(
        '-o, --output <format>',
        `output format: ${formats.join(', ')} (default: ${formats[0]}); a file name here is the old --output FILE, deprecated`,
      ),
    )
    .addOption(new Option('-f, --format <format>', 'the same as -o <format>').choices(formats))
    .option('--output-file <file>', 'write the result to FILE instead of stdout');
}

/** A file name, as the old `-o FILE` took: a path, or a name with an extension. */
const looksLikeFile = (value: string) => /[./\\]/.test(value);

/**
 * The format and file the options ask for. `-o` given a format name is the format; given what looks
 * like a file it is the old `-o FILE` (a note on stderr says to use --output-file); anything else is a
 * usage error naming the formats.
 */
export function resolveOutput<F extends string>(
  command: Command,
  formats: readonly F[],
  io: CliIo,
): { format: F; file?: string; fileOption: string } {
  const options = command.opts<OutputOptions>();
  const usage = (message: string): never => command.error(`error: ${message}`);
  let fromO: F | undefined;
  let oldFile: string | undefined;
  if (options.output !== undefined) {
    if ((formats as readonly string[]).includes(options.output)) fromO = options.output as F;
    else if (looksLikeFile(options.output)) oldFile = options.output;
    else
      usage(
        `-o/--output takes a format: ${formats.join(', ')} ("${options.output}" is none; a file goes to --output-file)`,
      );
  }
  if (oldFile !== undefined) {
    if (options.outputFile !== undefined)
      usage('give the file once: --output-file FILE (-o takes the format)');
    io.stderr(
      `meshsim: -o/--output FILE is deprecated: use --output-file ${oldFile} (-o now takes the format: ${formats.join(', ')})\n`,
    );
  }
  const fromF = options.format as F | undefined;
  if (fromO !== undefined && fromF !== undefined && fromO !== fromF)
    usage(`-o ${fromO} and -f ${fromF} ask for different formats; give one`);
  const file = options.outputFile ?? oldFile;
  return {
    format: fromO ?? fromF ?? formats[0]!,
    ...(file !== undefined ? { file } : {}),
    fileOption: options.outputFile !== undefined ? '--output-file' : '--output',
  };
}
