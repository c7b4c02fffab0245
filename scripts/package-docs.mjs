// Copies the repository's docs/ and examples/ into packages/core, so that the files its README points at
// ship in the @meshsim/core tarball. Runs as the last step of its build; the copies are not committed.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/core');

/** Every file under `dir`, relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile());
}

for (const dir of ['docs', 'examples']) {
  const from = join(root, dir);
  const to = join(pkg, dir);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const file of filesUnder(from)) {
    if (file.endsWith('.png')) continue;
    const target = join(to, file);
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.yaml')) {
      cpSync(join(from, file), target);
      continue;
    }
    // The editor modeline points at the schema in the repository; in the package it sits in ../schema.
    const schemaDir = relative(dirname(target), join(pkg, 'schema')).replaceAll('\\', '/');
    const text = readFileSync(join(from, file), 'utf8').replace(
      /(yaml-language-server: \$schema=)\S*\/schema\//g,
      `$1${schemaDir}/`,
    );
    writeFileSync(target, text);
  }
}
