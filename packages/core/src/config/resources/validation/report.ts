import type { Severity } from '../diagnostics.js';

/** Diagnostics from istiod's validating webhook carry this rule; the CRD schema's carry `istio-crd`. */
export const WEBHOOK_RULE = 'istio-webhook';
export const CRD_SCHEMA_RULE = 'istio-crd';

export type RulePath = ReadonlyArray<string | number>;

/** One broken rule, at a field path from the document root (`['spec', 'ports', 0, 'name']`). */
export interface RuleProblem {
  severity: Severity;
  path: RulePath;
  message: string;
  rule: string;
}

/**
 * Collects problems while a resource is checked. Paths are relative to `base`, so each rule
 * function works on its own sub-object and `at()` narrows the scope for the next one down.
 */
export class RuleReport {
  constructor(
    private readonly problems: RuleProblem[] = [],
    private readonly base: RulePath = [],
  ) {}

  /** A report that adds `path` in front of every path given to it. */
  at(...path: RulePath): RuleReport {
    return new RuleReport(this.problems, [...this.base, ...path]);
  }

  /** Istio's webhook rejects the object. */
  error(path: RulePath, message: string): void {
    this.problems.push({ severity: 'error', path: [...this.base, ...path], message, rule: WEBHOOK_RULE });
  }

  /** Istio's webhook accepts the object but prints this warning. */
  warn(path: RulePath, message: string): void {
    this.problems.push({ severity: 'warning', path: [...this.base, ...path], message, rule: WEBHOOK_RULE });
  }

  /** The API server rejects the object (a CRD schema or CEL rule zod does not express). */
  crd(path: RulePath, message: string): void {
    this.problems.push({ severity: 'error', path: [...this.base, ...path], message, rule: CRD_SCHEMA_RULE });
  }

  /** An error from a helper that returns a message or `undefined`. */
  check(path: RulePath, message: string | undefined): void {
    if (message !== undefined) this.error(path, message);
  }

  list(): RuleProblem[] {
    return this.problems;
  }
}
