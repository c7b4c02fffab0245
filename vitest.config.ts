import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, not dist, so no build is needed first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@meshsim\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@meshsim\/core\/kernel$/, replacement: src('./packages/core/src/kernel/index.ts') },
      { find: /^@meshsim\/scenarios$/, replacement: src('./packages/scenarios/src/index.ts') },
      {
        find: /^@meshsim\/scenarios\/arbitraries$/,
        replacement: src('./packages/scenarios/src/arbitraries/index.ts'),
      },
      {
        find: /^@meshsim\/scenarios\/invariants$/,
        replacement: src('./packages/scenarios/src/invariants/index.ts'),
      },
      { find: /^@meshsim\/scenarios\/vitest$/, replacement: src('./packages/scenarios/src/vitest/index.ts') },
      // The yaml build the package bundles (packages/core/scripts/bundle.mjs), so tests parse as it does.
      { find: /^yaml$/, replacement: src('./packages/core/node_modules/yaml/browser/index.js') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    pool: 'forks',
    // Test files share their worker's module cache: the engine is loaded and transformed once per worker,
    // not once per file (it was a third of the suite's time). No test relies on a fresh module.
    isolate: false,
    testTimeout: 60_000,
  },
});
