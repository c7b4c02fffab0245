import { stringify } from 'yaml';
import { docsFor, type FindingCode } from './codes.js';
import type { Finding } from './finding.js';

/** A finding as data, with istioctl analyze's fields (code, level, origin, reference, message, documentationUrl) first. */
export function findingRecord(f: Finding) {
  return {
    code: f.code,
    level: f.level,
    origin: `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`,
    reference: `${f.file}:${f.line}`,
    message: f.message,
    documentationUrl: docsFor(f.code as FindingCode),
    resource: f.resource,
    file: f.file,
    line: f.line,
    field: f.field,
    cluster: f.cluster,
    probe: f.probe,
    fix: f.fix,
  };
}

/** istioctl's log format, `Error [MSH0001] (DestinationRule ns/name file:line) message`, then the probe and the fix. */
export function formatFindingsLog(findings: readonly Finding[]): string {
  return findings
    .map((f) =>
      [
        `${f.level} [${f.code}] (${f.resource.kind} ${f.resource.namespace}/${f.resource.name} ${f.file}:${f.line}) ${f.message}`,
        `    field: ${f.field}`,
        `    probe: ${f.probe.name}: ${f.probe.played}`,
        `    fix: ${f.fix}`,
        `    see ${docsFor(f.code as FindingCode)}`,
      ].join('\n'),
    )
    .map((block) => `${block}\n`)
    .join('');
}

export const formatFindingsJson = (findings: readonly Finding[]): string =>
  `${JSON.stringify(findings.map(findingRecord), null, 2)}\n`;

export const formatFindingsYaml = (findings: readonly Finding[]): string =>
  findings.length === 0 ? '[]\n' : stringify(findings.map(findingRecord), { lineWidth: 0 });
