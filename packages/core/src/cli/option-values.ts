import { InvalidArgumentError } from 'commander';
import { ISTIO_VERSION_PATTERN } from '../config/resources/schema/istio-version.js';

// Parsers for option values; commander reports an InvalidArgumentError as a usage error (exit 2).

export function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('the seed must be an integer');
  // Past 2^53 a number no longer holds every integer: 9007199254740993 would quietly become …992.
  if (!Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`the seed must be an integer 0..${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return Number(value);
}

export function parseIstioVersion(value: string): string {
  if (!ISTIO_VERSION_PATTERN.test(value)) throw new InvalidArgumentError('must look like 1.24 or 1.24.3');
  return value;
}

/** `--trace FILE`, or `-` for stdout. */
export function parseTracePath(value: string): string {
  if (value === '') throw new InvalidArgumentError('must name a file, or - for stdout (with --output)');
  return value;
}

export function parseCount(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      throw new InvalidArgumentError(`must be an integer ≥ ${min}`);
    if (Number(value) > max) throw new InvalidArgumentError(`must be at most ${max}, got ${value}`);
    return Number(value);
  };
}

/** `--label KEY=VALUE`, repeatable. */
export function collectLabel(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** `--vary NAME=PATCH.yaml`, repeatable. */
export function collectVariant(value: string, previous: Array<[string, string]>): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('must be NAME=PATCH.yaml');
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}
