// The run worker's entry when meshsim runs from its TypeScript sources (vitest, tsx): tsx compiles
// run-worker.ts in the worker thread, which then listens for batches. The built package starts
// dist/compare/run-worker.js directly.
import { tsImport } from 'tsx/esm/api';

await tsImport('./run-worker.ts', import.meta.url);
