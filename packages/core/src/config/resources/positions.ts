import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type FieldPath = ReadonlyArray<string | number>;

const keyMatches = (key: unknown, segment: string | number): boolean =>
  isScalar(key) ? key.value === segment || String(key.value) === String(segment) : key === segment;

interface Step {
  /** The node the step ended on, or the last node found if the path runs off the document. */
  node: Node;
  /** The key node of the last map entry walked into (for pointing at a key rather than its value). */
  key: Node | undefined;
  /** How many path segments were resolved. */
  resolved: number;
}

/** Walks `path` from the document root through maps, lists and aliases, as far as it exists. */
function walk(doc: Document, path: FieldPath): Step | undefined {
  const root = doc.contents;
  if (root === null) return undefined;
  let step: Step = { node: root, key: undefined, resolved: 0 };
  for (const segment of path) {
    let node: unknown = step.node;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      let pair: (typeof node.items)[number] | undefined;
      for (const item of node.items) {
        if (keyMatches(item.key, segment)) {
          pair = item;
          break;
        }
      }
      if (pair === undefined) return step;
      const key = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? (pair.key as Node) : undefined;
      const value = pair.value;
      // `key:` with nothing after it has a null value node; point at the key then.
      const next = value !== null && typeof value === 'object' && 'range' in value ? (value as Node) : key;
      if (next === undefined) return step;
      step = { node: next, key, resolved: step.resolved + 1 };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined || item === null || typeof item !== 'object') return step;
      step = { node: item as Node, key: undefined, resolved: step.resolved + 1 };
    } else {
      return step;
    }
  }
  return step;
}

function positionOfNode(node: Node | undefined, lineCounter: LineCounter): Position | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Where a field is in the source. A missing field resolves to its nearest existing ancestor;
 * with `atKey`, a map entry resolves to its key rather than its value (for unknown fields).
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: FieldPath,
  options: { atKey?: boolean } = {},
): Position {
  const step = walk(doc, path);
  // The document's start, only where the field has no position of its own.
  const fallback = () => positionOfNode(doc.contents ?? undefined, lineCounter) ?? { line: 1, column: 1 };
  if (step === undefined) return fallback();
  const exact = step.resolved === path.length;
  // A block mapping or list starts on the line after its key: the field's own line is the key's.
  const node = step.node;
  const block = (isMap(node) && node.flow !== true) || (isSeq(node) && node.flow !== true);
  const atKey = options.atKey === true || block;
  const target = exact && atKey && step.key !== undefined ? step.key : step.node;
  return positionOfNode(target, lineCounter) ?? fallback();
}

/** `spec.endpoints[1].address`; map keys that are not identifiers are quoted: `endpoints["10.0.0.1"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) out += out === '' ? name : `.${name}`;
      else out += `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
