import type { Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import { CODES, type FindingCode } from './codes.js';
import type { Finding, FindingLevel, ProbeEvidence } from './finding.js';
import { type ProbeRun, type ProbeSetup, runProbe } from './probe.js';
import type { AnalyzeTarget } from './targets.js';

type Resource = Located<{ kind?: string; metadata: { namespace: string; name: string } }>;

/** What a check works with: the target, its probes (each run once however many checks read it). */
export class CheckContext {
  private readonly runs = new Map<string, ProbeRun>();

  constructor(readonly target: AnalyzeTarget) {}

  probe(setup: ProbeSetup): ProbeRun {
    let run = this.runs.get(setup.name);
    if (run === undefined) {
      run = runProbe(this.target, setup);
      this.runs.set(setup.name, run);
    }
    return run;
  }

  /** How many probes ran. */
  get probes(): number {
    return this.runs.size;
  }

  /** The path of an outlierDetection field in the DestinationRule (where the cluster's policy came from). */
  outlierPath(field?: string): FieldPath {
    const base = this.target.model.policyPaths?.outlierDetection ?? [
      'spec',
      'trafficPolicy',
      'outlierDetection',
    ];
    return field === undefined ? base : [...base, field];
  }

  /** The path of a connectionPool field in the DestinationRule. */
  poolPath(...fields: string[]): FieldPath {
    return [
      ...(this.target.model.policyPaths?.connectionPool ?? ['spec', 'trafficPolicy', 'connectionPool']),
      ...fields,
    ];
  }

  /** A finding at a resource's field (its nearest written ancestor when the field itself is not written). */
  finding(
    code: FindingCode,
    kind: string,
    resource: Resource,
    path: FieldPath,
    parts: { message: string; probe: ProbeEvidence; fix: string; level?: FindingLevel },
  ): Finding {
    const { namespace, name } = resource.resource.metadata;
    return {
      code,
      level: parts.level ?? CODES[code].level,
      message: parts.message,
      resource: { kind, namespace, name },
      file: resource.file,
      line: resource.positionOf(path).line,
      field: formatPath(path),
      cluster: this.target.model.name,
      probe: parts.probe,
      fix: parts.fix,
    };
  }
}

/** A check: from one target's config, the probes it runs and the findings they prove. */
export type Check = (ctx: CheckContext) => Finding[];

/** `0.42 %` */
export const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
/** `1.234 s` or `250 ms` */
export const secs = (ms: number): string =>
  ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${+ms.toFixed(1)} ms`;
