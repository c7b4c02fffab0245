import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layer rules of docs/architecture.md, checked over every import of packages/core/src (type-only
// imports included: they tie the design together as much as any other).
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Each room and the rooms it may import (besides itself). A file not under a room is unknown. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  kernel: [],
  envoy: [],
  world: ['kernel'],
  observe: ['kernel', 'envoy'],
  upstream: ['kernel', 'envoy', 'world', 'observe'],
  router: ['kernel', 'envoy', 'world', 'observe', 'upstream'],
  'config/resources': ['envoy'],
  'config/translate': ['envoy', 'config/resources'],
  // Beside the translation: an Envoy config read as it is, into the same Envoy model.
  'config/envoy-dump': ['envoy', 'config/resources'],
  'config/plan': ['kernel', 'envoy', 'world', 'config/resources', 'config/translate', 'config/envoy-dump'],
  explain: ['envoy', 'observe', 'config/resources', 'config/translate', 'config/envoy-dump', 'config/plan'],
  // The tune page draws a TuneReport (tune) in its metrics' units (compare).
  render: ['envoy', 'observe', 'config/resources', 'explain', 'compare', 'tune'],
  simulation: ['kernel', 'envoy', 'world', 'observe', 'upstream', 'router', 'config/plan'],
  simulate: [
    'observe',
    'config/resources',
    'config/translate',
    'config/envoy-dump',
    'config/plan',
    'simulation',
  ],
  // compare keeps each variant's run plan (config/plan) and runs every seed from it (simulation).
  compare: ['envoy', 'observe', 'config/resources', 'config/plan', 'simulate', 'simulation'],
  // Judging a Scenario's expectations runs it (simulate, simulation), reads the report and its why notes
  // (observe, explain), and judges replicated runs with compare's paired statistics.
  expect: [
    'envoy',
    'observe',
    'config/resources',
    'config/plan',
    'explain',
    'simulate',
    'simulation',
    'compare',
  ],
  // analyze builds probe Scenarios from the config alone (the caller's clusters as explain translates
  // them), runs them and reads their reports and traces: above everything it runs, below the CLI.
  analyze: [
    'envoy',
    'observe',
    'config/resources',
    'config/translate',
    'config/plan',
    'explain',
    'simulate',
    'simulation',
  ],
  // tune searches several fields at once: it plans configs as patches (compare), runs them with compare's
  // worker pool on common seeds, and ranks them with compare's paired statistics.
  tune: ['config/resources', 'simulate', 'compare'],
  // shard spreads a compare or tune over machines: part files, their fingerprints, and merging them into
  // the report one machine gives (which is compare's or tune's own summary).
  shard: ['simulate', 'compare', 'tune'],
  cli: [
    'envoy',
    'observe',
    'config/resources',
    'config/envoy-dump',
    'config/plan',
    'explain',
    'render',
    'simulate',
    'simulation',
    'compare',
    'expect',
    'analyze',
    'tune',
    'shard',
  ],
  index: [],
};

function roomOf(file: string): string {
  const rel = relative(SRC, file).replaceAll('\\', '/');
  if (rel === 'index.ts') return 'index';
  if (rel === 'simulate.ts') return 'simulate';
  const [top, second] = rel.split('/');
  return top === 'config' ? `config/${second}` : top!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(e.name) ? [path] : [];
  });
}

/** Every relative import of `file`, resolved to a source file. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const short = (f: string) => relative(SRC, f);

/** Strongly connected components of more than one file (Tarjan), or a file importing itself. */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(short(w));
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) out.push(component.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

describe('the layers of @meshsim/core', () => {
  it('finds the source files and every import target', () => {
    expect(files.length).toBeGreaterThan(100);
    const missing = [...graph].flatMap(([f, targets]) =>
      targets.filter((t) => !graph.has(t)).map((t) => `${short(f)} -> ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it('every file sits in a known room', () => {
    expect(files.map(short).filter((f) => MAY_IMPORT[roomOf(join(SRC, f))] === undefined)).toEqual([]);
  });

  it('imports only point down: no room imports one above it or beside it', () => {
    const broken: string[] = [];
    for (const [file, targets] of graph) {
      const from = roomOf(file);
      if (from === 'index') continue;
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== from && !MAY_IMPORT[from]!.includes(to)) broken.push(`${short(file)} -> ${short(target)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has no import circles', () => {
    expect(circles()).toEqual([]);
  });

  it('a circle or a forbidden import would be caught', () => {
    // The checks above must be able to fail: a synthetic graph with both faults.
    const saved = new Map(graph);
    const router = join(SRC, 'router/router.ts');
    const load = join(SRC, 'config/resources/load.ts');
    const kinds = join(SRC, 'config/resources/kinds.ts');
    try {
      graph.set(router, [...graph.get(router)!, load]);
      graph.set(kinds, [...graph.get(kinds)!, load]);
      graph.set(load, [...graph.get(load)!, kinds]);
      expect(circles().some((c) => c.includes('config/resources/kinds.ts'))).toBe(true);
      expect(MAY_IMPORT[roomOf(router)]!.includes(roomOf(load))).toBe(false);
    } finally {
      for (const [k, v] of saved) graph.set(k, v);
    }
  });
});

describe('@meshsim/scenarios', () => {
  it('uses @meshsim/core through its public entry points only', () => {
    const root = resolve(SRC, '../../scenarios/src');
    const deep = sourceFiles(root).flatMap((f) =>
      ts
        .preProcessFile(readFileSync(f, 'utf8'), true, true)
        .importedFiles.map((i) => i.fileName)
        .filter((name) => name.includes('core/') && name !== '@meshsim/core/kernel')
        .map((name) => `${relative(root, f)} -> ${name}`),
    );
    expect(deep).toEqual([]);
  });
});
