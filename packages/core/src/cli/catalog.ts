import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrapParagraph } from '../explain/text-layout.js';

/** One ready-made scenario: `NN-name.yaml`, the seed's Istio resources and a Scenario document. */
export interface CatalogEntry {
  /** `NN-name`, the file name without `.yaml`. */
  name: string;
  file: string;
  /** The file's `# Shows:` line: what the scenario demonstrates. */
  shows: string;
}

/**
 * Where the catalog is: it ships with @meshsim/scenarios (`catalog/`), which @meshsim/core does not
 * depend on, so it is looked up beside it, or in this repository's sibling package. Null if neither.
 */
export function catalogDir(): string | null {
  const candidates: string[] = [];
  try {
    const pkg = createRequire(import.meta.url).resolve('@meshsim/scenarios/package.json');
    candidates.push(join(dirname(pkg), 'catalog'));
  } catch {
    // @meshsim/scenarios is not installed beside @meshsim/core.
  }
  // packages/core/{src,dist}/cli → packages/scenarios/catalog
  candidates.push(fileURLToPath(new URL('../../../scenarios/catalog', import.meta.url)));
  return candidates.find((dir) => existsSync(dir)) ?? null;
}

/** The entries of `dir`, in name order. */
export function listCatalog(dir: string): CatalogEntry[] {
  return readdirSync(dir)
    .filter((f) => /^\d\d-[a-z0-9-]+\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const shows = /^# Shows: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      return { name: f.slice(0, -'.yaml'.length), file, shows };
    });
}

/** The entry called `name`: `NN-name`, `name` without its number, or the number `NN`. */
export function findCatalogEntry(entries: readonly CatalogEntry[], name: string): CatalogEntry | undefined {
  return entries.find((e) => e.name === name || e.name.slice(3) === name || e.name.slice(0, 2) === name);
}

/** One line per entry, its name padded and what it shows (wrapped under itself to fit the page). */
export function formatCatalog(entries: readonly CatalogEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  const hang = ' '.repeat(width + 2);
  return entries
    .flatMap((e) => wrapParagraph(e.shows, `${e.name.padEnd(width)}  `, hang))
    .map((line) => `${line}\n`)
    .join('');
}
