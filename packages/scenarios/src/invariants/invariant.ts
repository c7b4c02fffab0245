/** One way a run broke an invariant. */
export interface Violation {
  /** The invariant's name, e.g. `ejectionsWithinMaxEjectionPercent`. */
  invariant: string;
  message: string;
  cluster?: string;
  host?: string;
  request?: number;
  /** Simulated time of the offending event. */
  atMs?: number;
}

/**
 * A check over a run: a `Report`, a trace of `TraceEvent`s, or a way to produce reports. It
 * returns every violation it finds; an empty list means the invariant holds.
 */
export type Invariant<S> = (subject: S) => Violation[];

/** Thrown by `assertInvariants`; the violations are the data, the message is for humans. */
export class InvariantError extends Error {
  readonly violations: Violation[];

  constructor(violations: Violation[]) {
    const shown = violations.slice(0, 20).map((v) => `  ${v.invariant}: ${v.message}`);
    const more = violations.length > 20 ? [`  … and ${violations.length - 20} more`] : [];
    super(`${violations.length} invariant violation(s):\n${[...shown, ...more].join('\n')}`);
    this.name = 'InvariantError';
    this.violations = violations;
  }
}

/** Every violation `invariants` find in `subject`. */
export function violationsOf<S>(subject: S, ...invariants: ReadonlyArray<Invariant<S>>): Violation[] {
  return invariants.flatMap((invariant) => invariant(subject));
}

/** Whether every invariant holds: for a fast-check property returning a boolean. */
export function holds<S>(subject: S, ...invariants: ReadonlyArray<Invariant<S>>): boolean {
  return violationsOf(subject, ...invariants).length === 0;
}

/** Throws an `InvariantError` listing every violation: for a property that throws, or a plain test. */
export function assertInvariants<S>(subject: S, ...invariants: ReadonlyArray<Invariant<S>>): void {
  const violations = violationsOf(subject, ...invariants);
  if (violations.length > 0) throw new InvariantError(violations);
}

/** A per-cluster setting: one value for all, or a function of the cluster name. */
export type PerCluster<T> = T | ((cluster: string) => T);

export const forCluster = <T>(setting: PerCluster<T>, cluster: string): T =>
  typeof setting === 'function' ? (setting as (cluster: string) => T)(cluster) : setting;
