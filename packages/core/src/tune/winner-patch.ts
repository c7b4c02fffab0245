import { isMap, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import { configSources } from '../compare/patch.js';
import type { SweepTarget } from '../compare/sweep.js';
import type { SimulationSpec } from '../simulate.js';
import { TuneSpecError } from './objectives.js';
import type { TuneAxis } from './space.js';

/** A resource a tune changes, as written in the config (its YAML document, comments and all). */
export interface TargetDocument extends SweepTarget {
  text: string;
}

export const sameTarget = (a: SweepTarget, b: SweepTarget): boolean =>
  a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;

interface Identity {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

/** The document of each resource the axes change, found by kind and name (and namespace when given). */
export function targetDocuments(spec: SimulationSpec, targets: readonly SweepTarget[]): TargetDocument[] {
  const unique = targets.filter((t, i) => targets.findIndex((u) => sameTarget(t, u)) === i);
  const docs = configSources(spec.config).flatMap((source) => {
    const parsed = parseAllDocuments(source.text);
    return Array.isArray(parsed) ? parsed : [];
  });
  return unique.map((target) => {
    const found = docs.filter((doc) => {
      const id = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Identity;
      if (id.kind !== target.kind || id.metadata?.name !== target.name) return false;
      return target.namespace === undefined || (id.metadata?.namespace ?? 'default') === target.namespace;
    });
    const where = `${target.kind} ${target.name ?? ''}`;
    if (found.length !== 1) {
      throw new TuneSpecError(
        found.length === 0
          ? `the config has no ${where}`
          : `${where} is in ${found.length} namespaces of the config; name it as Kind/namespace/name:FIELD`,
      );
    }
    return { ...target, text: String(found[0]!).replace(/^---\n/, '') };
  });
}

/** What the winner changes, for the patch's header: `consecutive5xxErrors: 1 (was 5)`. */
export interface WinnerNote {
  objective: string;
  scenario: string;
  summary: string;
}

/** The path of an axis's field as YAML's setIn takes it: list positions as numbers. */
const pathOf = (field: string): Array<string | number> =>
  field.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));

/**
 * Checks that a field can be set in its resource: a list position on the way must exist (a new key in a
 * mapping is fine: it is added).
 */
export function checkFieldPath(target: TargetDocument, field: string): void {
  const doc = parseDocument(target.text);
  const path = pathOf(field);
  for (let i = 0; i < path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true);
    if (isSeq(node)) {
      const index = path[i];
      if (typeof index !== 'number' || index >= node.items.length) {
        throw new TuneSpecError(
          `--vary ${field}: ${path.slice(0, i).join('.')} of ${target.kind} ${target.name ?? ''} is a list of ${node.items.length}; name an item by its position (0…${node.items.length - 1})`,
        );
      }
    } else if (node !== undefined && node !== null && !isMap(node) && i < path.length) {
      throw new TuneSpecError(
        `--vary ${field}: ${path.slice(0, i).join('.')} of ${target.kind} ${target.name ?? ''} is a value, not a mapping`,
      );
    }
  }
}

/**
 * The resources the axes change, each whole, as written with the config's values set: what a config
 * of the tune runs (given to applyPatch, a merge patch that sets exactly those values, lists included),
 * and what the winner is written as.
 */
export function configResources(
  targets: readonly TargetDocument[],
  axes: readonly TuneAxis[],
  values: readonly unknown[],
): { text: string; changes: string[] } {
  const changes: string[] = [];
  const docs = targets.map((target) => {
    const doc = parseDocument(target.text);
    axes.forEach((axis, i) => {
      if (!sameTarget(axis.target, target)) return;
      const path = pathOf(axis.field);
      const was = doc.getIn(path);
      doc.setIn(path, values[i]);
      changes.push(
        `${axis.name}: ${String(values[i])}${was === undefined ? ' (not set before)' : ` (was ${String(was)})`}`,
      );
    });
    return String(doc);
  });
  return { text: docs.join('---\n'), changes };
}

/**
 * The winner as whole resources, ready for `kubectl apply`: each resource the axes change, as written,
 * with the winning values set. Given to `compare --vary` (or `applyPatch`) it reproduces the winner.
 */
export function winnerPatch(
  targets: readonly TargetDocument[],
  axes: readonly TuneAxis[],
  values: readonly unknown[],
  note: WinnerNote,
): string {
  const { text, changes } = configResources(targets, axes, values);
  const header = [
    `# meshsim tune: the winner for scenario ${note.scenario} (${note.objective})`,
    `# ${note.summary}`,
    `# ${changes.join(', ')}`,
  ];
  return `${header.join('\n')}\n${text}`;
}
