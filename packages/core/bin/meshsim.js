#!/usr/bin/env node
// The CLI runs from the compiled package; `pnpm install` builds it (the workspace's prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'meshsim: not built yet; run `npx -y pnpm@10 install` (it builds) or `pnpm run build`\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
