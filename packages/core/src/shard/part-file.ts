import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { ComparePlan } from '../compare/compare.js';
import type { SweepPlan } from '../compare/sweep.js';
import type { TunePlan } from '../tune/plan.js';
import type { RunResults, ShardSpec } from '../tune/run-source.js';
import { PartError } from './part-error.js';

/** What a part's runs summarize into: enough to write the report without the inputs. */
export type PartPlan =
  | ({ kind: 'compare'; jobs: number } & Omit<ComparePlan, 'jobs'>)
  | ({ kind: 'sweep'; jobs: number } & Omit<SweepPlan, 'jobs'>)
  | ({ kind: 'tune' } & TunePlan);

/**
 * One shard's runs of a plan, as written to `--out`: the plan's fingerprint, which shard of how many,
 * the plan itself (so `meshsim merge` needs nothing else), and the runs by key.
 */
export interface Part {
  meshsim: 'part';
  version: 1;
  fingerprint: string;
  shard: ShardSpec;
  plan: PartPlan;
  runs: RunResults;
}

// Apart from the part's schema, so the CLI tells a PartError without loading zod.
export { PartError };

// Runs may hold NaN or ±Infinity (a metric of a run with no requests), which JSON cannot: they are written
// as strings and read back as numbers.
const number = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);

const partSchema = z.object({
  meshsim: z.literal('part'),
  version: z.literal(1),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }),
  plan: z.looseObject({ kind: z.enum(['compare', 'sweep', 'tune']) }),
  runs: z.record(z.string().regex(/^\d+(:-?\d+)?$/), z.record(z.string(), number)),
});

export function partText(part: Part): string {
  return `${JSON.stringify(part, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  )}\n`;
}

/** Writes the part whole or not at all (a stopped shard never leaves half a file). */
export function writePart(file: string, part: Part): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, partText(part));
    renameSync(temporary, file);
  } catch (e) {
    throw new PartError(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function parsePart(file: string, text: string): Part {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PartError(`${file}: not a meshsim part (not JSON: ${(e as Error).message})`);
  }
  const parsed = partSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PartError(`${file}: not a meshsim part (${issue.path.join('.') || 'top'}: ${issue.message})`);
  }
  const part = parsed.data as unknown as Part;
  if (part.shard.index > part.shard.count)
    throw new PartError(
      `${file}: shard ${part.shard.index}/${part.shard.count} is not a shard of ${part.shard.count}`,
    );
  return part;
}

export interface LoadedPart {
  file: string;
  part: Part;
}

export function readPart(file: string): LoadedPart {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PartError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return { file, part: parsePart(file, text) };
}

/** The part files a path names: the file itself, or a directory's `*.json` files in name order. */
export function partFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    throw new PartError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!isDirectory) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}
