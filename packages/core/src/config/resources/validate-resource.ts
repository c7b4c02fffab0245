import type { z } from 'zod';
import type { Severity } from './diagnostics.js';
import { PARSE_OPTIONS } from './schema/messages.js';

/** A schema problem, still in document coordinates (the loader turns it into a Diagnostic). */
export interface SchemaProblem {
  severity: Severity;
  path: PropertyKey[];
  message: string;
  /** Point at the field's key rather than its value (unknown fields). */
  atKey: boolean;
  rule?: string;
}

export interface SchemaOutcome<T> {
  /** Present when there was no error-severity problem. */
  value?: T;
  problems: SchemaProblem[];
}

/** `warn`: Istio kinds (Kubernetes prunes unknown fields); `error`: our own Scenario contract. */
export type UnknownFieldPolicy = 'warn' | 'error';

function ruleOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'custom') return undefined;
  const rule: unknown = issue.params?.rule;
  return typeof rule === 'string' ? rule : undefined;
}

/** One problem per issue, except unknown keys: one per key, each at its own line. */
function toProblems(issues: readonly z.core.$ZodIssue[], unknownFields: UnknownFieldPolicy): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, i) => {
        const text = lines[i] ?? `unknown field ${JSON.stringify(key)}`;
        const severity: Severity = unknownFields === 'warn' ? 'warning' : 'error';
        const message = severity === 'warning' ? `${text}; ignored` : text;
        problems.push({ severity, path: [...issue.path, key], message, atKey: true });
      });
      continue;
    }
    const rule = ruleOf(issue);
    const problem: SchemaProblem = {
      severity: 'error',
      path: [...issue.path],
      message: issue.message,
      atKey: false,
    };
    problems.push(rule === undefined ? problem : { ...problem, rule });
  }
  return problems;
}

function deleteField(root: unknown, path: readonly PropertyKey[]): void {
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (node !== null && typeof node === 'object' && last !== undefined) {
    delete (node as Record<PropertyKey, unknown>)[last];
  }
}

/**
 * Validates one document. With `warn`, unknown fields are reported, removed from `raw` (which
 * is mutated) and the rest is parsed again, so the resource still loads.
 */
export function validateResource<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  unknownFields: UnknownFieldPolicy,
): SchemaOutcome<T> {
  const first = schema.safeParse(raw, PARSE_OPTIONS);
  if (first.success) return { value: first.data, problems: [] };
  const problems = toProblems(first.error.issues, unknownFields);
  if (problems.some((p) => p.severity === 'error')) return { problems };
  for (const p of problems) deleteField(raw, p.path);
  const second = schema.safeParse(raw, PARSE_OPTIONS);
  if (second.success) return { value: second.data, problems };
  return { problems: [...problems, ...toProblems(second.error.issues, 'error')] };
}
