// One simulation in a fresh process, as a user's first run: prints the import time, the run's own wall and CPU time,
// the simulated requests and the peak RSS as one JSON line. Usage: node first-run.mjs FILE DURATION
import { readFileSync } from 'node:fs';
import { resourceUsage } from 'node:process';

const [file, duration] = process.argv.slice(2);
const startImport = performance.now();
const { simulate } = await import('@meshsim/core');
const importMs = performance.now() - startImport;
const config = { file, text: readFileSync(file, 'utf8') };
const start = performance.now();
const startCpu = process.cpuUsage();
const report = simulate({ config, duration });
const runMs = performance.now() - start;
const cpu = process.cpuUsage(startCpu);
// CPU time as well as wall time: on a shared machine the wall clock counts other processes' turns.
const runCpuMs = (cpu.user + cpu.system) / 1000;
const requests = report.client.total;
process.stdout.write(
  `${JSON.stringify({
    importMs,
    runMs,
    requests,
    requestsPerSec: requests / (runMs / 1000),
    runCpuMs,
    requestsPerCpuSec: requests / (runCpuMs / 1000),
    peakRssMB: resourceUsage().maxRSS / 1024,
  })}\n`,
);
