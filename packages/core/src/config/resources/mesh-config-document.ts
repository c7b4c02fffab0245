import { type Document, isScalar, LineCounter, parseDocument, type Scalar } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { type FieldPath, formatPath, locate, type Position } from './positions.js';
import { INERT_MESH_FIELDS, type MeshConfig, meshConfigSchema } from './schema/mesh-config.js';
import { PARSE_OPTIONS } from './schema/messages.js';

/** The mesh config as loaded from the istio ConfigMap, with where each of its fields is in the file. */
export interface LoadedMeshConfig {
  file: string;
  /** Where the ConfigMap document starts. */
  line: number;
  /** The ConfigMap's `namespace/name`. */
  name: string;
  config: MeshConfig;
  /** A mesh config field's position in the file (inside the ConfigMap's `mesh` text). */
  positionOf(path: FieldPath): Position;
}

/** Where the ConfigMap's `data.mesh` is, to map positions inside its text to the file's. */
export interface MeshText {
  file: string;
  line: number;
  name: string;
  /** The file's own document and line counter, and its text. */
  doc: Document;
  lineCounter: LineCounter;
  source: string;
  /** The position of `data.mesh` in its document (`base` the path to the ConfigMap there). */
  base: FieldPath;
}

/**
 * How lines of the embedded text map to the file: a block scalar (`mesh: |`) keeps its lines one for one
 * below its header, shifted by its indentation; any other form maps to the `mesh` key itself.
 */
function mapper(t: MeshText): (p: { line: number; col: number }) => Position {
  const node = t.doc.getIn([...t.base, 'data', 'mesh'], true) as Scalar | undefined;
  const at = locate(t.doc, t.lineCounter, [...t.base, 'data', 'mesh']);
  if (
    !isScalar(node) ||
    (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') ||
    node.range == null
  ) {
    return () => at;
  }
  const header = t.lineCounter.linePos(node.range[0]).line;
  const firstLine = t.source.split('\n')[header] ?? '';
  const indent = firstLine.length - firstLine.trimStart().length;
  return (p) => ({ line: header + p.line, column: indent + p.col });
}

/**
 * Parses the istio ConfigMap's `mesh` text: the fields meshsim applies, validated; the others listed as
 * not modelled (or left alone when they shape nothing a sidecar's outbound traffic does).
 */
export function loadMeshConfig(t: MeshText, text: string, out: Diagnostic[]): LoadedMeshConfig | undefined {
  const toFile = mapper(t);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const report = (severity: Diagnostic['severity'], at: Position, path: FieldPath, message: string) =>
    out.push({ severity, file: t.file, ...at, path: formatPath(['mesh', ...path]), message });
  const positionOf = (path: FieldPath): Position => toFile(locateIn(doc, lines, path));
  for (const e of doc.errors)
    report('error', toFile(lines.linePos(e.pos[0])), [], `mesh config YAML: ${e.message}`);
  if (doc.errors.length > 0) return undefined;
  const raw = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report('error', positionOf([]), [], 'the mesh config must be a mapping');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key in meshConfigSchema.shape || INERT_MESH_FIELDS.includes(key)) continue;
    report(
      'warning',
      positionOf([key]),
      [key],
      'not modelled: the simulation runs without this mesh config field',
    );
  }
  const parsed = meshConfigSchema.safeParse(raw, PARSE_OPTIONS);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      report('error', positionOf(path), path, issue.message);
    }
    return undefined;
  }
  return { file: t.file, line: t.line, name: t.name, config: parsed.data, positionOf };
}

function locateIn(doc: Document, lines: LineCounter, path: FieldPath): { line: number; col: number } {
  const p = locate(doc, lines, path);
  return { line: p.line, col: p.column };
}
