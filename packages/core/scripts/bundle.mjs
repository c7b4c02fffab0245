// Bundles @meshsim/core's JavaScript with esbuild: Node pays a fixed cost per ES module it loads, and the
// package is ~300 of them. One bundle per entry (the public subpaths, the CLI, each worker thread), chunks
// shared between them (one copy of each class), lazy import()s kept as chunks of their own, every
// dependency left external. Declarations come from tsc (emitDeclarationOnly), before this step.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkg, 'src');
const dist = join(pkg, 'dist');

// Every bundle and chunk sits flat in dist/; the public paths are one-line modules that load them.
const entries = {
  index: 'index.ts',
  kernel: 'kernel/index.ts',
  cli: 'cli/main.ts',
  'run-worker': 'compare/run-worker.ts',
  'trace-writer-thread': 'cli/trace-writer-thread.ts',
};
const stubs = {
  'kernel/index.js': "export * from '../kernel.js';\n",
  'cli/main.js': "export * from '../cli.js';\n",
  'compare/run-worker.js': "import '../run-worker.js';\n",
  'cli/trace-writer-thread.js': "import '../trace-writer-thread.js';\n",
};

// A module that finds files from import.meta.url (package.json, the worker, the scenario catalog) gets the
// URL it would have unbundled, dist/<its path>.js. Same length as `import.meta.url`, so maps stay exact.
const MODULE_URL = '__moduleURL__()';
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const asBuilt = `./${relative(src, args.path).replaceAll('\\', '/').replace(/\.ts$/, '.js')}`;
      return {
        contents: `${text.replaceAll('import.meta.url', MODULE_URL)}\nfunction __moduleURL__(): string {\n  return new URL(${JSON.stringify(asBuilt)}, import.meta.url).href;\n}\n`,
        loader: 'ts',
      };
    });
  },
};

await build({
  absWorkingDir: pkg,
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(src, file)])),
  outdir: dist,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [moduleUrls],
});

for (const [file, text] of Object.entries(stubs)) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  writeFileSync(join(dist, file), text);
}
