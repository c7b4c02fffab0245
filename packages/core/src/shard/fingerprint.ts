import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { configSources } from '../compare/patch.js';
import type { SimulationSpec } from '../simulate.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The meshsim version that writes parts: runs of two versions may differ, so it is in every fingerprint. */
export const MESHSIM_VERSION: string = pkg.version;

/**
 * A spec as plain data without where its files were read from: the same inputs under other paths (a
 * ConfigMap mounted at /inputs on a cluster) are the same plan.
 */
export function specContent(spec: SimulationSpec): unknown {
  const { config, specOrigin: _origin, ...rest } = spec;
  return { config: configSources(config).map((s) => s.text), ...rest };
}

/** JSON with object keys sorted, so equal data hashes equally whatever order its keys were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** SHA-256 of the version and the plan's inputs and decisions: parts of one plan share it, and only they. */
export function fingerprint(kind: string, inputs: unknown): string {
  return createHash('sha256')
    .update(canonical({ meshsim: MESHSIM_VERSION, kind, inputs }))
    .digest('hex');
}
