import type { SimulationSpec } from '../simulate.js';

/** Scenario fields the command line overrides. */
export function scenarioOverrides(options: {
  seed?: number;
  duration?: string;
  bucket?: string;
}): Partial<SimulationSpec> {
  return {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.duration !== undefined ? { duration: options.duration } : {}),
    ...(options.bucket !== undefined ? { report: { timelineBucket: options.bucket } } : {}),
  };
}
