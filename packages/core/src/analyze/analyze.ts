import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import { type ConfigSource, loadConfig } from '../config/resources/load.js';
import { CURRENT_ISTIO_VERSION } from '../config/resources/schema/scenario.js';
import { type Check, CheckContext } from './check-context.js';
import { breakersAtModestLoad } from './checks/breakers-at-modest-load.js';
import { dnsChangeSticks } from './checks/dns-change-sticks.js';
import { failoverWithoutOutlierDetection } from './checks/failover-without-outlier-detection.js';
import { httpOnTcpPort } from './checks/http-on-tcp-port.js';
import { logicalDnsEjection } from './checks/logical-dns-ejection.js';
import { maxEjectionZero } from './checks/max-ejection-zero.js';
import { outlierNeverEjects } from './checks/outlier-never-ejects.js';
import { panicHidesEjections } from './checks/panic-hides-ejections.js';
import { perTryTimeout } from './checks/per-try-timeout.js';
import { retryVersusOutlier } from './checks/retry-versus-outlier.js';
import type { Finding } from './finding.js';
import { ProbeError } from './probe.js';
import { analyzeTargets } from './targets.js';

/** Every check, in code order. */
const CHECKS: readonly Check[] = [
  outlierNeverEjects,
  maxEjectionZero,
  httpOnTcpPort,
  perTryTimeout,
  panicHidesEjections,
  breakersAtModestLoad,
  logicalDnsEjection,
  failoverWithoutOutlierDetection,
  retryVersusOutlier,
  dnsChangeSticks,
];

export interface AnalyzeOptions {
  /** The caller's namespace; absent: each ServiceEntry is probed from its own namespace. */
  namespace?: string;
  /** Selects version-dependent defaults (default: the current release). */
  istioVersion?: string;
}

export interface Analysis {
  findings: Finding[];
  /** The input's own problems, as `meshsim validate` reports them. */
  diagnostics: Diagnostic[];
  /** The `host:port`s probed, and how many probe runs it took. */
  targets: string[];
  probes: number;
  /** Probes that could not run (a meshsim limit), each in one line. */
  skipped: string[];
}

/**
 * Blanks, keeping their lines, every `kind: Scenario` document (each probe brings its own Scenario) and
 * every document with an error (reported once, not by every probe), so the probes plan from the files'
 * valid Istio resources and positions stay those of the files.
 */
export function probeSources(source: ConfigSource, errorLines: ReadonlySet<number>): ConfigSource {
  const lineCounter = new LineCounter();
  let text = source.text;
  for (const doc of [parseAllDocuments(text, { prettyErrors: false, lineCounter })].flat()) {
    const [start, , end] = doc.range;
    const [first, last] = [lineCounter.linePos(start).line, lineCounter.linePos(end).line];
    const hasError = doc.errors.length > 0 || [...errorLines].some((l) => l >= first && l <= last);
    if (!hasError && (doc.contents === null || doc.get('kind') !== 'Scenario')) continue;
    text = text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
  }
  return { file: source.file, text };
}

const byPlace = (a: Finding, b: Finding): number =>
  a.file.localeCompare(b.file) ||
  a.line - b.line ||
  a.code.localeCompare(b.code) ||
  a.cluster.localeCompare(b.cluster);

/**
 * `meshsim analyze`: for every host and port of the ServiceEntries, short probe Scenarios built from the
 * config alone (one endpoint failing, one hanging, a burst at the pool's limits, a locality down …), run
 * through the engine; each finding is what a probe showed, with its numbers and the fix.
 */
export function analyzeConfig(config: ConfigSource[], options: AnalyzeOptions = {}): Analysis {
  const istio = config.map((source) => probeSources(source, new Set()));
  const { diagnostics } = loadConfig(istio);
  const errorLines = (file: string) =>
    new Set(diagnostics.filter((d) => d.severity === 'error' && d.file === file).map((d) => d.line));
  const sources = istio.map((source) => probeSources(source, errorLines(source.file)));
  const loaded = loadConfig(sources);
  const istioVersion = options.istioVersion ?? CURRENT_ISTIO_VERSION;
  const targets = analyzeTargets(sources, loaded, { ...options, istioVersion });
  const findings: Finding[] = [];
  const skipped: string[] = [];
  let probes = 0;
  for (const target of targets) {
    const ctx = new CheckContext(target);
    for (const check of CHECKS) {
      try {
        findings.push(...check(ctx));
      } catch (e) {
        if (!(e instanceof ProbeError)) throw e;
        skipped.push(e.message);
      }
    }
    probes += ctx.probes;
  }
  return {
    findings: findings.sort(byPlace),
    diagnostics,
    targets: targets.map((t) => `${t.host}:${t.port.number} (from ${t.caller.namespace})`),
    probes,
    skipped: [...new Set(skipped)],
  };
}
