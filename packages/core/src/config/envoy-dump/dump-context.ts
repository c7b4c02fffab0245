import type { z } from 'zod';
import type { Diagnostic, Severity } from '../resources/diagnostics.js';
import type { EnvoyConfigDocument } from '../resources/load.js';
import { type FieldPath, formatPath } from '../resources/positions.js';
import { PARSE_OPTIONS } from '../resources/schema/messages.js';

/** Where an object of the dump is: its file, JSON path and line (for explain and the why notes). */
export interface DumpSource {
  file: string;
  path: FieldPath;
  line: number;
}

/** Reading one Envoy config: the document, and the diagnostics found so far, at their JSON paths. */
export class DumpContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Where not-modelled notes go while an object is read (each cluster, route … keeps its own). */
  private sinks: Diagnostic[][] = [];

  constructor(readonly doc: EnvoyConfigDocument) {}

  get file(): string {
    return this.doc.file;
  }

  sourceOf(path: FieldPath): DumpSource {
    return { file: this.doc.file, path, line: this.doc.positionOf(path).line };
  }

  report(severity: Severity, path: FieldPath, message: string): void {
    const { line, column } = this.doc.positionOf(path);
    this.diagnostics.push({ severity, file: this.doc.file, line, column, path: formatPath(path), message });
  }

  /** What meshsim does not simulate, listed where it is written (with the object being read, if any). */
  notModelled(path: FieldPath, message: string): void {
    const sink = this.sinks[this.sinks.length - 1];
    if (sink === undefined) {
      this.report('warning', path, `not modelled: ${message}`);
      return;
    }
    const { line, column } = this.doc.positionOf(path);
    sink.push({
      severity: 'warning',
      file: this.doc.file,
      line,
      column,
      path: formatPath(path),
      message: `not modelled: ${message}`,
    });
  }

  /** Runs `read`, keeping the not-modelled notes it makes apart, for the object it reads. */
  collect<T>(read: () => T): { value: T; notes: Diagnostic[] } {
    const notes: Diagnostic[] = [];
    this.sinks.push(notes);
    try {
      return { value: read(), notes };
    } finally {
      this.sinks.pop();
    }
  }

  /** `raw` parsed by `schema`; each problem an error at its JSON path; undefined on any. */
  parse<T>(schema: z.ZodType<T>, raw: unknown, path: FieldPath): T | undefined {
    const outcome = schema.safeParse(raw, PARSE_OPTIONS);
    if (outcome.success) return outcome.data;
    for (const issue of outcome.error.issues) {
      const at = [...path, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      this.report('error', at, issue.message);
    }
    return undefined;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * The fields of `raw` meshsim neither reads nor knows to be inert (stats names, metadata, …): each is
 * listed as not modelled, at its own path, so nothing that can shape traffic is dropped silently.
 */
export function listUnmodelled(
  ctx: DumpContext,
  raw: unknown,
  path: FieldPath,
  schema: { shape: Record<string, unknown> },
  inert: readonly string[],
  what: string,
): void {
  if (!isObject(raw)) return;
  for (const key of Object.keys(raw)) {
    if (key === '@type' || key in schema.shape || inert.includes(key)) continue;
    ctx.notModelled([...path, key], `${what} field ${key}; the simulation runs without it`);
  }
}

export { isObject };
