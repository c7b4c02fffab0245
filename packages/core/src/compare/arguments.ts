import { argumentError, checkOptions, isPlainObject } from '../config/resources/argument-checks.js';
import { checkSimulationSpec } from '../simulate.js';
import { checkPatch } from './patch.js';

/** compare's and compareInParallel's arguments: a spec, variants by name (a patch or null each), options. */
export function checkCompareArguments(
  where: string,
  spec: unknown,
  variants: unknown,
  options: unknown,
): void {
  checkSimulationSpec(where, spec);
  if (!isPlainObject(variants))
    argumentError(
      `${where}(spec, variants)`,
      'an object of variants by name, each a patch or null',
      variants,
    );
  for (const [name, patch] of Object.entries(variants)) {
    if (patch !== null) checkPatch(`${where}(spec, variants).${name}`, patch);
  }
  checkOptions(`${where}(spec, variants, options)`, options);
}

/** sweep's arguments: a spec, an axis (`parseSweep` makes one), options. */
export function checkSweepArguments(spec: unknown, axis: unknown, options: unknown): void {
  checkSimulationSpec('sweep', spec);
  const ok =
    isPlainObject(axis) &&
    typeof axis.field === 'string' &&
    axis.field !== '' &&
    Array.isArray(axis.values) &&
    axis.values.length > 0;
  if (!ok)
    argumentError(
      'sweep(spec, axis)',
      'an axis { field: "spec.…", values: [...] }, as parseSweep returns',
      axis,
    );
  checkOptions('sweep(spec, axis, options)', options);
}
