import { type Document, isMap, isScalar, isSeq } from 'yaml';
import { type FieldPath, formatPath } from './positions.js';

/** Whether a source is JSON-shaped (it opens an object or an array), as config dumps and kubectl -o json are. */
export const looksLikeJson = (text: string): boolean => /^\s*[{[]/.test(text);

/** JSON.parse's complaint about `text`, or null when it parses. */
function jsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The path of the innermost object or array still open where a partial document stops: its last members. */
function openPathAtEnd(doc: Document): FieldPath {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  // Bounded like the structure check: a hostile nesting cannot loop long.
  for (let depth = 0; depth < 10_000; depth++) {
    if (isMap(node) && node.items.length > 0) {
      const last = node.items[node.items.length - 1]!;
      path.push(isScalar(last.key) ? String(last.key.value) : '?');
      node = last.value;
    } else if (isSeq(node) && node.items.length > 0) {
      path.push(node.items.length - 1);
      node = node.items[node.items.length - 1];
    } else {
      break;
    }
  }
  return path;
}

/**
 * A JSON file that stops before its end (a dump cut off by a pipe or a size limit): one diagnostic naming
 * the JSON path still open, instead of the YAML parser's complaints about every unclosed bracket. Null
 * when the text is not cut off JSON.
 */
export function truncatedJson(text: string, doc: Document): { path: string; message: string } | null {
  const error = jsonError(text);
  if (error === null) return null;
  // Node says "Unexpected end of JSON input", or names the position where the text ran out.
  const at = /at position (\d+)/.exec(error);
  const atEnd = at === null ? /end of JSON input/i.test(error) : Number(at[1]) >= text.trimEnd().length;
  if (!atEnd) return null;
  const path = formatPath(openPathAtEnd(doc));
  const where = path === '' ? 'its top level' : path;
  return { path, message: `the JSON stops before its end (a truncated file?): ${where} is still open` };
}
