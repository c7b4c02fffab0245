import type { Expectation, ExpectationKind } from '../config/resources/schema/scenario-expect.js';
import type { WhyMechanism, WhyNote } from '../explain/why-notes.js';
import { clusterSelected } from './figures.js';

/** A why note with the config line it points at taken apart, for annotations. */
export interface WhyBehind {
  text: string;
  /** As the report prints it: `file:line field.path`, or `Istio default`. */
  at?: string;
  file?: string;
  line?: number;
}

const EJECTION: readonly WhyMechanism[] = ['tcp-proxy', 'ejection', 'ejection-cap', 'endpoint'];

/** The mechanisms that can move each kind of figure; absent: every mechanism can. */
const MECHANISMS: Partial<Record<ExpectationKind, readonly WhyMechanism[]>> = {
  ejections: EJECTION,
  firstEjection: EJECTION,
  ejectedAtOnce: EJECTION,
  hostShare: EJECTION,
  breakerOpen: ['circuit-breaker'],
};

/** `file:line path` → its file and line (`Istio default` and the like have none). */
function located(at: string | undefined): { file: string; line: number } | undefined {
  const m = at === undefined ? null : /^(.+):(\d+) \S/.exec(at);
  return m === null ? undefined : { file: m[1]!, line: Number(m[2]) };
}

/** The why notes of the run that bear on an expectation's figure: its mechanisms, its clusters. */
export function whyBehind(e: Expectation, notes: readonly WhyNote[]): WhyBehind[] {
  const mechanisms = MECHANISMS[e.kind];
  return notes
    .filter(
      (n) => mechanisms === undefined || (n.mechanism !== undefined && mechanisms.includes(n.mechanism)),
    )
    .filter((n) => n.cluster === undefined || clusterSelected(n.cluster, e.select.cluster))
    .map((n) => ({ text: n.text, ...(n.at !== undefined ? { at: n.at, ...located(n.at) } : {}) }));
}
