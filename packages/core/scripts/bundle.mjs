// Bundles @meshsim/core's JavaScript with esbuild: Node pays a fixed cost per ES module it loads (its
// loader reads each file asynchronously, one round per level of imports), and the package is ~300 of them.
// The library (`.` and `./kernel`) is one bundle per subpath and the chunk they share, so each class
// exists once; each program (the CLI, the run worker, the trace writer thread) is one self-contained file,
// whose code behind an import() (each CLI command's engine) is evaluated only when first imported. zod
// and yaml are bundled in (INLINED): every run loads both, and as ~100 modules of their own they were most
// of the import time; bundled, zod's locales and JSON-schema code that meshsim never calls are left out.
// Every other dependency stays external. Declarations come from tsc (emitDeclarationOnly), before this.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
/** Dependencies bundled into dist/; they stay in `dependencies` for the types the declarations import. */
const INLINED = ['zod', 'yaml'];
const external = Object.keys(manifest.dependencies).filter((name) => !INLINED.includes(name));
/** A dependency's folder and package.json, as installed for this package. */
function dependencyManifest(name) {
  const dir = dirname(createRequire(join(pkg, 'package.json')).resolve(`${name}/package.json`));
  return { dir, ...JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
}
const src = join(pkg, 'src');
const dist = join(pkg, 'dist');

// Every bundle and chunk sits flat in dist/; the public paths are one-line modules that load them.
const library = { index: 'index.ts', kernel: 'kernel/index.ts' };
// Programs run in a process or thread of their own and share no object with the library's: a copy each.
const programs = {
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

// yaml's ES module build (the one it ships for browsers: the same code, as modules) rather than its
// CommonJS one, so the bundle keeps only what meshsim calls. It also never reads process.env (the Node
// build reads LOG_TOKENS once per token).
const yamlModules = {
  name: 'yaml-modules',
  setup(b) {
    const yaml = dependencyManifest('yaml').dir;
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(yaml, 'browser/index.js') }));
  },
};

/** Builds `entries`; shared code in chunks (`splitting`), or each entry one file with all it imports. */
const bundle = (entries, splitting) =>
  build({
    absWorkingDir: pkg,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(src, file)])),
    outdir: dist,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...external, ...external.map((name) => `${name}/*`)],
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [moduleUrls, yamlModules],
  });

await bundle(library, true);
await Promise.all(Object.entries(programs).map(([name, file]) => bundle({ [name]: file }, false)));

for (const [file, text] of Object.entries(stubs)) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  writeFileSync(join(dist, file), text);
}

// A bundled dependency's file is named in the source maps as <name>@<version>/<its path in the package>,
// its text embedded: the path it had here (node_modules/.pnpm/…) means nothing where the package is
// installed, and the package does not ship its sources. meshsim's own sources ship in src/.
const versions = Object.fromEntries(INLINED.map((name) => [name, dependencyManifest(name).version]));
const dependencySource = new RegExp(
  `^(?:.*/)?node_modules/(?:\\.pnpm/[^/]+/node_modules/)?(${INLINED.join('|')})/(.*)$`,
);
for (const file of readdirSync(dist).filter((f) => f.endsWith('.js.map'))) {
  const map = JSON.parse(readFileSync(join(dist, file), 'utf8'));
  map.sourcesContent = map.sources.map((source) =>
    dependencySource.test(source) ? readFileSync(join(dist, source), 'utf8') : null,
  );
  map.sources = map.sources.map((source) =>
    source.replace(dependencySource, (_, name, path) => `${name}@${versions[name]}/${path}`),
  );
  writeFileSync(join(dist, file), JSON.stringify(map));
}

// The bundled dependencies' licences ship beside the code they cover.
writeFileSync(
  join(dist, 'third-party-licenses.txt'),
  INLINED.map((name) => {
    const { version, license, dir } = dependencyManifest(name);
    return `${name}@${version} (${license}), bundled into dist/\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`;
  }).join('\n---\n\n'),
);
