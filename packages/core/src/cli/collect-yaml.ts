import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageProblem } from './usage-problem.js';

const YAML_FILE = /\.ya?ml$/i;
/** Never walked into: dependencies and hidden folders (.git …) hold no one's Scenarios. */
const SKIPPED_DIRS = /^(\.|node_modules$)/;

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.test(entry.name)) walk(path, out);
    } else if (YAML_FILE.test(entry.name)) {
      out.push(path);
    }
  }
}

/** The YAML files a command was pointed at: each file as given, each directory walked (sorted, recursive). */
export function collectYaml(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (e) {
      throw new UsageProblem(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (isDir) walk(path, out);
    else out.push(path);
  }
  return [...new Set(out)];
}
