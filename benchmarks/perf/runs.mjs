// COUNT simulations of FILE for DURATION each, seeds 1..COUNT, in this one process, as one job of a sweep
// runs them: the yardstick for what two jobs can gain on this machine. Usage: node runs.mjs FILE DURATION COUNT
import { readFileSync } from 'node:fs';
import { simulate } from '@meshsim/core';

const [file, duration, count] = process.argv.slice(2);
const config = { file, text: readFileSync(file, 'utf8') };
for (let seed = 1; seed <= Number(count); seed++) simulate({ config, duration, seed });
