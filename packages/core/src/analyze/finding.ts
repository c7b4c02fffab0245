/** istioctl analyze's levels: a finding at or above `--failure-threshold` fails the command (exit 79). */
export type FindingLevel = 'Error' | 'Warning' | 'Info';

export const LEVELS: readonly FindingLevel[] = ['Info', 'Warning', 'Error'];

/** Whether `level` is at least as bad as `threshold` (istioctl's IsWorseThanOrEqualTo). */
export const atLeast = (level: FindingLevel, threshold: FindingLevel): boolean =>
  LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);

/** The probe behind a finding: the short Scenario meshsim built from the config alone, and what it showed. */
export interface ProbeEvidence {
  /** `one endpoint failing`, `a burst at half the pool's limit` … */
  name: string;
  /** What the probe played, in one sentence: endpoints, traffic, duration, seed. */
  played: string;
  /** The figures of its report (or trace) the finding rests on, by name. */
  figures: Record<string, number | string>;
}

/** One finding of `meshsim analyze`, proven by a probe run. */
export interface Finding {
  /** Stable: `MSH0001` … (docs/analyze.md has one section per code). */
  code: string;
  level: FindingLevel;
  /** What is wrong, with the probe's numbers. */
  message: string;
  resource: { kind: string; namespace: string; name: string };
  file: string;
  line: number;
  /** The field behind it, e.g. `spec.trafficPolicy.outlierDetection.maxEjectionPercent`. */
  field: string;
  /** The Envoy cluster the probe ran against. */
  cluster: string;
  probe: ProbeEvidence;
  /** How to fix it. */
  fix: string;
}
