// The TypeScript examples of the packages' READMEs (what npm shows) run as written: each README's
// blocks, in order, make one module, imported while this file is collected so that its `it`s are tests.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
// Inside the repository, so that the examples' imports (vitest, fast-check) resolve as a user's would.
const DIR = join(ROOT, 'node_modules/.cache/meshsim-readme-examples');
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const blocks = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

for (const pkg of ['core', 'scenarios']) {
  const code = blocks(join(ROOT, 'packages', pkg, 'README.md'));
  describe(`packages/${pkg}/README.md`, () => {
    it('has TypeScript examples', () => expect(code.length).toBeGreaterThan(0));
  });
  const file = join(DIR, `${pkg}.ts`);
  writeFileSync(file, code.join('\n'));
  await import(file);
}
