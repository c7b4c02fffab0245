// The trace writer thread's entry when meshsim runs from its TypeScript sources (vitest, tsx): tsx
// compiles trace-writer-thread.ts in the thread. The built package starts dist/cli/trace-writer-thread.js.
import { tsImport } from 'tsx/esm/api';

await tsImport('./trace-writer-thread.ts', import.meta.url);
