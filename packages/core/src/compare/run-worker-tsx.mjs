// The run worker's entry when meshsim runs from its TypeScript sources (vitest, tsx): tsx compiles
// run-worker.ts in the worker thread. The built package uses dist/compare/run-worker.js directly.
import { tsImport } from 'tsx/esm/api';

const { default: runJob } = await tsImport('./run-worker.ts', import.meta.url);
export default runJob;
