// The bundled build of @meshsim/core (packages/core/scripts/bundle.mjs), as `pnpm install` leaves it: its
// public subpaths share one copy of each class, and each program (CLI, worker threads) is one file whose
// code behind an import() is evaluated only when that import runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';

const DIST = resolve(import.meta.dirname, '../packages/core/dist');

/** Every built file that `file` reaches through static imports (import … from, bare import), itself included. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(DIST, file), 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\b[^;(]*?["']\.\/([^"']+)["'];?$/gm))
    staticGraph(m[1]!, seen);
  return seen;
}

type Core = typeof import('@meshsim/core');
type KernelPath = typeof import('@meshsim/core/kernel');
let core: Core;
let kernel: KernelPath;

beforeAll(async () => {
  expect(existsSync(join(DIST, 'index.js')), 'packages/core is built (pnpm install builds it)').toBe(true);
  core = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as Core;
  kernel = (await import(pathToFileURL(join(DIST, 'kernel/index.js')).href)) as KernelPath;
});

describe('the built @meshsim/core', () => {
  it('gives `.` and `./kernel` one Kernel and one RandomStreams, so instanceof holds across them', () => {
    expect(core.Kernel).toBe(kernel.Kernel);
    expect(core.RandomStreams).toBe(kernel.RandomStreams);
    expect(new kernel.Kernel()).toBeInstanceOf(core.Kernel);
    expect(new core.RandomStreams(7)).toBeInstanceOf(kernel.RandomStreams);
  });

  it('throws from the kernel an error that is instanceof the EventBudgetExceeded of `./kernel`', () => {
    const k = new core.Kernel({ maxEvents: 3 });
    const tick = k.defineEvent(() => {});
    for (let i = 0; i < 5; i++) k.schedule(i, tick, 0);
    expect(() => k.drain(Number.POSITIVE_INFINITY, null)).toThrow(kernel.EventBudgetExceeded);
  });

  it('builds the file each worker thread starts from, where its TypeScript shim sits in the sources', () => {
    const src = resolve(DIST, '../src');
    const shims = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('-tsx.mjs'));
    expect(shims).toEqual(
      expect.arrayContaining(['compare/run-worker-tsx.mjs', 'cli/trace-writer-thread-tsx.mjs']),
    );
    for (const shim of shims)
      expect(existsSync(join(DIST, shim.replace(/-tsx\.mjs$/, '.js'))), shim).toBe(true);
  });

  it("makes each program one file, and keeps a CLI command's modules unevaluated until it runs", () => {
    for (const program of ['cli.js', 'run-worker.js', 'trace-writer-thread.js']) {
      expect([...staticGraph(program)]).toEqual([program]);
      expect(readFileSync(join(DIST, program), 'utf8')).not.toMatch(/import\("\.\//);
    }
    const cli = readFileSync(join(DIST, 'cli.js'), 'utf8');
    // A module reached through import() sits in a lazy initializer (esbuild's __esm), run on first import.
    expect(cli).toMatch(/\nvar init_run_action = __esm\(\{\n {2}"src\/cli\/commands\/run-action\.ts"\(\) \{/);
    expect(cli).toMatch(
      /\["run", async \(\) => \(await Promise\.resolve\(\)\.then\(\(\) => \(init_run\w*\(\), run\w*_exports\)\)\)/,
    );
  });

  it('bundles zod and yaml and leaves every other dependency to node_modules', () => {
    const index = [...staticGraph('index.js')].map((f) => readFileSync(join(DIST, f), 'utf8')).join('\n');
    expect(index).not.toMatch(/from "(yaml|zod)"/);
    expect(index).not.toMatch(/from "[^"]*node_modules/);
    // yaml's ES module build: the Node one reads process.env per token and requires node:process.
    expect(index).not.toMatch(/LOG_TOKENS/);
    expect(readFileSync(join(DIST, 'cli.js'), 'utf8')).toMatch(/from "commander"/);
    // zod's locales other than English are left out; JSON Schema export stays for `generate`.
    expect(index).not.toMatch(/Ungültige Eingabe/);
    const licences = readFileSync(join(DIST, 'third-party-licenses.txt'), 'utf8');
    expect(licences).toMatch(/^zod@\d+\.\d+\.\d+ \(MIT\)/);
    expect(licences).toMatch(/\nyaml@\d+\.\d+\.\d+ \(ISC\)/);
  });

  it("lets the user's own zod compose, check and export the package's schemas, bundled zod and all", () => {
    const composed = z.object({ share: core.percentSchema, metadata: core.objectMetaSchema });
    expect(core.percentSchema).toBeInstanceOf(z.ZodType);
    expect(composed.safeParse({ share: { value: 50 }, metadata: { name: 'a' } }).success).toBe(true);
    const issues = composed.safeParse({ share: { value: 101 }, metadata: {} }).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.'))).toEqual(['share.value', 'metadata.name']);
    expect(z.toJSONSchema(composed)).toMatchObject({
      properties: { share: { properties: { value: { minimum: 0, maximum: 100 } } } },
    });
  });

  it('ships a source map beside each bundle and chunk, pointing into the shipped sources', () => {
    const mapped = new Set<string>();
    for (const file of readdirSync(DIST).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(join(DIST, file), 'utf8')).toContain(`//# sourceMappingURL=${file}.map`);
      const map = JSON.parse(readFileSync(join(DIST, `${file}.map`), 'utf8')) as { sources: string[] };
      for (const source of map.sources) mapped.add(resolve(DIST, source));
    }
    // Bundled dependencies are named <package>@<version>/<path in it>; every other source is shipped.
    const ours = [...mapped].filter((source) => !/\/(zod|yaml)@\d[^/]*\//.test(source));
    expect(ours.length).toBeLessThan(mapped.size);
    for (const source of ours) expect(existsSync(source), source).toBe(true);
    expect(mapped).toContain(resolve(DIST, '../src/kernel/kernel.ts'));
    expect(mapped).toContain(resolve(DIST, '../src/cli/commands/run-action.ts'));
  });
});
