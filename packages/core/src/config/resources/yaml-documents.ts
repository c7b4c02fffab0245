import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type YAMLError,
} from 'yaml';
import type { Diagnostic, Severity } from './diagnostics.js';
import { encodingProblem } from './text-encoding.js';
import { looksLikeJson, truncatedJson } from './truncated-json.js';

export interface ParseLimits {
  maxBytes: number;
  /** Deepest nesting of maps and lists accepted. */
  maxDepth: number;
}

/** One source split into documents that are well-formed YAML mappings. */
export interface ParsedSource {
  file: string;
  lineCounter: LineCounter;
  documents: Document[];
  diagnostics: Diagnostic[];
}

/** A list of Envoy resources is what `istioctl proxy-config cluster|listener|route -o json` prints. */
const LIST_HINT =
  "; for a sidecar's Envoy config take the whole dump: `istioctl proxy-config all POD -o json` or Envoy's /config_dump?include_eds";

/** Syntax errors after the first few in one document are noise (binary garbage yields thousands). */
const MAX_YAML_ERRORS_PER_DOCUMENT = 10;
/** Past this many diagnostics in one source, the rest are counted, not listed. */
export const MAX_DIAGNOSTICS_PER_SOURCE = 200;

function describeKind(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node))
    return node.value === null ? 'null' : `the scalar ${JSON.stringify(String(node.value).slice(0, 40))}`;
  return 'not a mapping';
}

const isEmptyDocument = (doc: Document): boolean =>
  doc.contents === null ||
  (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '');

/**
 * The first node nested deeper than `limit`, or a mapping key that is itself a list or a map (which
 * JSON, and so Kubernetes, cannot hold), found without recursion so hostile input cannot overflow the stack.
 */
function structureProblem(root: unknown, limit: number): { node: Node; message: string } | undefined {
  // Two stacks side by side rather than an object per node: this walks every node of every document.
  const nodes: unknown[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limit) return { node, message: `document is nested deeper than ${limit} levels` };
    for (const item of node.items) {
      if (isMap(node)) {
        const pair = item as { key: unknown; value: unknown };
        if (isMap(pair.key) || isSeq(pair.key)) {
          const what = isMap(pair.key) ? 'a map' : 'a list';
          return {
            node: pair.key,
            message: `a mapping key must be a plain value such as a field name, got ${what}`,
          };
        }
        nodes.push(pair.key, pair.value);
        depths.push(depth + 1, depth + 1);
      } else {
        nodes.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

export function parseYamlSource(file: string, text: string, limits: ParseLimits): ParsedSource {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const documents: Document[] = [];
  let dropped = 0;
  let droppedSeverity: Severity = 'warning';
  const report = (severity: Severity, offset: number, message: string): void => {
    if (diagnostics.length >= MAX_DIAGNOSTICS_PER_SOURCE) {
      dropped++;
      if (severity === 'error') droppedSeverity = 'error';
      return;
    }
    const { line, col } = lineCounter.linePos(offset);
    diagnostics.push({ severity, file, line, column: col, path: '', message });
  };
  const reportYaml = (severity: Severity, problems: readonly YAMLError[]): void => {
    for (const problem of problems.slice(0, MAX_YAML_ERRORS_PER_DOCUMENT)) {
      const message =
        problem.code === 'RESOURCE_EXHAUSTION'
          ? `YAML too deeply nested (${problem.message})`
          : problem.message;
      report(severity, problem.pos[0], message);
    }
    const hidden = problems.length - MAX_YAML_ERRORS_PER_DOCUMENT;
    if (hidden > 0)
      report(severity, problems[MAX_YAML_ERRORS_PER_DOCUMENT]?.pos[0] ?? 0, `${hidden} more YAML problems`);
  };

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    const message = `file is ${bytes} bytes, over the ${limits.maxBytes}-byte limit; not parsed`;
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, path: '', message });
    return { file, lineCounter, documents, diagnostics };
  }

  const encoding = encodingProblem(text);
  if (encoding !== null) {
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, path: '', message: encoding });
    return { file, lineCounter, documents, diagnostics };
  }

  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    // logLevel error: YAML's own warnings would go to the process's stderr; they are diagnostics here.
    parsed = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      merge: true,
      uniqueKeys: true,
      logLevel: 'error',
    });
  } catch (e) {
    report('error', 0, `YAML could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
    return { file, lineCounter, documents, diagnostics };
  }
  if ('empty' in parsed) {
    reportYaml('error', parsed.errors);
    reportYaml('warning', parsed.warnings);
    return { file, lineCounter, documents, diagnostics };
  }

  for (const doc of parsed) {
    const cut = doc.errors.length > 0 && looksLikeJson(text) ? truncatedJson(text, doc) : null;
    if (cut !== null) {
      const end = lineCounter.linePos(text.length);
      diagnostics.push({ severity: 'error', file, line: end.line, column: end.col, ...cut });
      continue;
    }
    reportYaml('error', doc.errors);
    reportYaml('warning', doc.warnings);
    if (doc.errors.length > 0 || isEmptyDocument(doc)) continue;
    const start = doc.contents?.range?.[0] ?? 0;
    const problem = structureProblem(doc.contents, limits.maxDepth);
    if (problem !== undefined) {
      report('error', problem.node.range?.[0] ?? start, problem.message);
    } else if (!isMap(doc.contents)) {
      report(
        'error',
        start,
        `a document must be a mapping (a Kubernetes resource), got ${describeKind(doc.contents)}${isSeq(doc.contents) ? LIST_HINT : ''}`,
      );
    } else {
      documents.push(doc);
    }
  }
  if (dropped > 0) {
    const message = `${dropped} more problems in this file not listed`;
    diagnostics.push({ severity: droppedSeverity, file, line: 1, column: 1, path: '', message });
  }
  return { file, lineCounter, documents, diagnostics };
}
