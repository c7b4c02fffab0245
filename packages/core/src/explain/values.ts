import type { Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';

/**
 * Whose default a value is: Istio's (istiod writes it into the Envoy config), Envoy's (istiod leaves the
 * field unset), the mesh config's (a meshConfig field's default), or meshsim's own (the caller's setup).
 */
export type DefaultKind = 'Istio default' | 'Envoy default' | 'mesh default' | 'meshsim default';

/** Where a set value was written: a file position and the field's path (line 0: not from a file). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  path: string;
}

/** One value of the effective model and where it came from. `note` says why, when that is not plain. */
export type Explained<T> =
  | { value: T; from: 'set'; at: SourceLocation; note?: string }
  | { value: T; from: 'default'; default: DefaultKind; note?: string };

/** A value written at `path` of `doc`. */
export function setAt<T>(doc: Located<unknown>, path: FieldPath, value: T, note?: string): Explained<T> {
  const { line, column } = doc.positionOf(path);
  const at = { file: doc.file, line, column, path: formatPath(path) };
  // Built whole, with the note last when there is one (no spread: one is made for every value explained).
  return note === undefined || note === '' ? { value, from: 'set', at } : { value, from: 'set', at, note };
}

/** A value given outside any file (options, the command line). */
export function setBy<T>(origin: string, path: string, value: T, note?: string): Explained<T> {
  const at = { file: origin, line: 0, column: 0, path };
  return note === undefined || note === '' ? { value, from: 'set', at } : { value, from: 'set', at, note };
}

export function byDefault<T>(value: T, kind: DefaultKind, note?: string): Explained<T> {
  return note === undefined || note === ''
    ? { value, from: 'default', default: kind }
    : { value, from: 'default', default: kind, note };
}

/** The value at `path` inside a parsed resource, or undefined when any step is missing. */
export function valueAt(resource: unknown, path: FieldPath): unknown {
  let node: unknown = resource;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/**
 * `value` is `set` when the field at `base + field` exists in `doc`, else the given default. `base` null
 * means the part of the resource holding the field is not in effect at all.
 */
export function fromField<T>(
  doc: Located<unknown> | null,
  base: FieldPath | null,
  field: FieldPath,
  value: T,
  kind: DefaultKind,
  note?: string,
): Explained<T> {
  if (doc !== null && base !== null) {
    const path = [...base, ...field];
    if (valueAt(doc.resource, path) !== undefined) return setAt(doc, path, value, note);
  }
  return byDefault(value, kind, note);
}

/** `set` at `base + field` when that field exists in `doc`, else `fallback` (a default with its own note). */
export function setOr<T>(
  doc: Located<unknown> | null,
  base: FieldPath | null,
  field: FieldPath,
  value: T,
  fallback: Explained<T>,
): Explained<T> {
  if (doc !== null && base !== null) {
    const path = [...base, ...field];
    if (valueAt(doc.resource, path) !== undefined) return setAt(doc, path, value);
  }
  return fallback;
}

/**
 * Whether `path` is written in the YAML, not filled in by a schema default: a missing field resolves to
 * its nearest ancestor, as a field that cannot exist does.
 */
export function writtenIn(doc: Located<unknown>, path: FieldPath): boolean {
  const p = doc.positionOf(path);
  const missing = doc.positionOf([...path.slice(0, -1), '\u0000']);
  return p.line !== missing.line || p.column !== missing.column;
}
