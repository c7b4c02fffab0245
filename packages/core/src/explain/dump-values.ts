import type { DumpSource } from '../config/envoy-dump/dump-context.js';
import type { EnvoyConfigDocument } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import { byDefault, type Explained, setAt, valueAt } from './values.js';

/**
 * Explains values read from an Envoy config: `set` at the field's JSON path (with its line) when the
 * config writes it, else Envoy's default. `raw` is the object at `source.path`.
 */
export class DumpValues {
  constructor(
    private readonly doc: EnvoyConfigDocument,
    private readonly source: DumpSource,
    private readonly raw: unknown,
  ) {}

  /** Whether the object writes the field at `rel`. */
  written(rel: FieldPath): boolean {
    return valueAt(this.raw, rel) !== undefined;
  }

  /** `value`, set at the first of `rels` the object writes, else Envoy's default. */
  at<T>(rels: FieldPath | readonly FieldPath[], value: T, note?: string): Explained<T> {
    const list = (Array.isArray(rels[0]) ? rels : [rels]) as readonly FieldPath[];
    const rel = list.find((r) => this.written(r));
    return rel === undefined
      ? byDefault(value, 'Envoy default', note)
      : setAt(this.doc, [...this.source.path, ...rel], value, note);
  }
}
