import { type Document, isMap, LineCounter, parseAllDocuments, stringify } from 'yaml';
import { argumentError, checkAcyclic, configSourcesOf } from '../config/resources/argument-checks.js';
import { ConfigError, type Diagnostic } from '../config/resources/diagnostics.js';
import { kubernetesListItems } from '../config/resources/kubernetes-list.js';
import type { ConfigSource } from '../config/resources/load.js';
import { checkSimulationSpec, type SimulationSpec } from '../simulate.js';

/**
 * A change to one resource of the config, named by `kind` and `metadata.name` (and `metadata.namespace`
 * when two resources share a name); everything else is a JSON merge patch (RFC 7386) over that resource:
 * maps merge key by key, `null` deletes a field, lists and scalars replace. A `kind: Scenario` patch needs
 * no name. A patch naming a resource the config lacks adds it, if it is a whole resource (apiVersion set).
 */
export interface ResourcePatch {
  kind: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string; [field: string]: unknown };
  spec?: unknown;
  [field: string]: unknown;
}

/** One patch document, several, or YAML text holding them (`---` between documents). */
export type ConfigPatch = ResourcePatch | ResourcePatch[] | ConfigSource | string;

interface LocatedPatch {
  patch: ResourcePatch;
  file: string;
  line: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7386 JSON merge patch on plain values; returns a new value and never changes its arguments. A
 * patch that refers back to itself (or nests past 200 levels) throws an ArgumentError.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  checkAcyclic('mergePatch(target, patch): patch', patch);
  return merged(target, patch);
}

function merged(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = merged(out[key], value);
  }
  return out;
}

const PATCH_EXPECTED =
  'a patch: YAML text, a { file, text } source, a { kind, metadata: { name }, … } object or a list of them';

/** A patch of a kind applyPatch takes, without cycles; its content is checked as it is applied. */
export function checkPatch(where: string, patch: unknown): void {
  if (typeof patch !== 'string' && !isPlainObject(patch) && !Array.isArray(patch))
    argumentError(where, PATCH_EXPECTED, patch);
  if (isPlainObject(patch) && 'file' in patch && typeof patch.text !== 'string')
    argumentError(`${where}.text`, 'the patch YAML as a string', patch.text);
  checkAcyclic(where, patch);
}

function problem(file: string, line: number, path: string, message: string): ConfigError {
  const diagnostic: Diagnostic = { severity: 'error', file, line, column: 1, path, message };
  return new ConfigError([diagnostic]);
}

/** The patch documents, each with where it was written (line 0 for objects given in code). */
export function patchDocuments(patch: ConfigPatch, label: string): LocatedPatch[] {
  if (typeof patch === 'string' || (isPlainObject(patch) && 'text' in patch && 'file' in patch)) {
    const source =
      typeof patch === 'string' ? { file: label, text: patch } : (patch as unknown as ConfigSource);
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(source.text, { lineCounter, logLevel: 'error' });
    if (!Array.isArray(docs)) return [];
    const out: LocatedPatch[] = [];
    for (const doc of docs) {
      const line = lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line;
      if (doc.errors.length > 0)
        throw problem(source.file, line, '', `not valid YAML: ${doc.errors[0]?.message}`);
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) continue;
      out.push({ patch: checkedPatch(value, source.file, line), file: source.file, line });
    }
    return out;
  }
  const list = Array.isArray(patch) ? patch : [patch];
  return list.map((p) => ({ patch: checkedPatch(p, label, 0), file: label, line: 0 }));
}

function checkedPatch(value: unknown, file: string, line: number): ResourcePatch {
  if (!isPlainObject(value)) throw problem(file, line, '', 'a patch document must be a mapping');
  if (typeof value.kind !== 'string' || value.kind === '')
    throw problem(file, line, 'kind', 'a patch names the kind of resource it changes');
  const name = isPlainObject(value.metadata) ? value.metadata.name : undefined;
  if (value.kind !== 'Scenario' && (typeof name !== 'string' || name === ''))
    throw problem(file, line, 'metadata.name', `a ${value.kind} patch names the resource it changes`);
  return value as ResourcePatch;
}

/** One YAML source, split into documents whose identity (kind, name, namespace) is known. */
interface ParsedConfig {
  source: ConfigSource;
  docs: Document[];
  /** Every resource a patch can name: a document, or an item of a Kubernetes List (`base` ['items', i]). */
  ids: ResourceId[];
  changed: boolean;
}

interface ResourceId {
  doc: Document;
  base: Array<string | number>;
  kind: unknown;
  name: unknown;
  namespace: unknown;
}

function idOf(doc: Document, base: Array<string | number>, value: unknown): ResourceId {
  const meta = isPlainObject(value) && isPlainObject(value.metadata) ? value.metadata : {};
  const kind = isPlainObject(value) ? value.kind : undefined;
  return { doc, base, kind, name: meta.name, namespace: meta.namespace };
}

function parseConfig(source: ConfigSource): ParsedConfig {
  const docs = parseAllDocuments(source.text, { logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [];
  const ids = list.flatMap((doc) => {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      value = undefined; // loadConfig reports it when the patched config is loaded
    }
    const items = kubernetesListItems(value);
    if (items === null) return [idOf(doc, [], value)];
    return items.map(({ item, index }) => idOf(doc, ['items', index], item));
  });
  return { source, docs: list, ids, changed: false };
}

/** Applies a merge patch to a YAML document in place, keeping the comments and layout of what it leaves. */
function patchDocument(doc: Document, path: Array<string | number>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) doc.deleteIn(at);
    else if (isPlainObject(value) && isMap(doc.getIn(at, true))) patchDocument(doc, at, value);
    else doc.setIn(at, doc.createNode(mergePatch(undefined, value) as Json));
  }
}

export function configSources(config: SimulationSpec['config']): ConfigSource[] {
  return configSourcesOf('spec.config', config);
}

/** The resource a patch names: kind and name (and namespace when given) equal; exactly one must match. */
function findTarget(
  configs: ParsedConfig[],
  p: LocatedPatch,
): { config: ParsedConfig; id: ResourceId } | null {
  const { kind, metadata } = p.patch;
  const matches: Array<{ config: ParsedConfig; id: ResourceId }> = [];
  for (const config of configs) {
    for (const id of config.ids) {
      if (id.kind !== kind) continue;
      if (kind !== 'Scenario' && id.name !== metadata?.name) continue;
      if (metadata?.namespace !== undefined && (id.namespace ?? 'default') !== metadata.namespace) continue;
      matches.push({ config, id });
    }
  }
  if (matches.length > 1) {
    throw problem(
      p.file,
      p.line,
      'metadata.namespace',
      `${kind} ${metadata?.name ?? ''} is in ${matches.length} namespaces of the config; say which with metadata.namespace`,
    );
  }
  return matches[0] ?? null;
}

/**
 * The spec with a patch applied: Istio resources and the Scenario document patched where they are
 * written (a patched file is named `FILE [label]` in diagnostics), Scenario fields given in code patched
 * in code. `null` leaves the spec as it is.
 */
export function applyPatch(spec: SimulationSpec, patch: ConfigPatch | null, label: string): SimulationSpec {
  checkSimulationSpec('applyPatch', spec);
  if (patch === null) return spec;
  if (typeof label !== 'string')
    argumentError('applyPatch(spec, patch, label)', 'a string naming the variant', label);
  checkPatch('applyPatch(spec, patch)', patch);
  const configs = configSources(spec.config).map(parseConfig);
  const added: ConfigSource[] = [];
  const out: SimulationSpec = { ...spec };
  for (const p of patchDocuments(patch, label)) {
    const { kind: _kind, apiVersion: _apiVersion, metadata, ...body } = p.patch;
    const target = findTarget(configs, p);
    if (p.patch.kind === 'Scenario') {
      // Fields set in code win over the YAML's (as in simulate()), so a patch of them patches the code's.
      const specPatch = isPlainObject(body.spec) ? body.spec : {};
      const codeFields = out as unknown as Record<string, unknown>;
      const yamlPart: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(specPatch)) {
        if (codeFields[key] !== undefined || target === null) {
          const current =
            key === 'traffic' && isPlainObject(codeFields[key]) ? [codeFields[key]] : codeFields[key];
          codeFields[key] = value === null ? undefined : mergePatch(current, value);
        } else {
          yamlPart[key] = value;
        }
      }
      if (target !== null && Object.keys(yamlPart).length > 0) {
        patchDocument(target.id.doc, [...target.id.base, 'spec'], yamlPart);
        target.config.changed = true;
      }
      continue;
    }
    if (target === null) {
      if (p.patch.apiVersion === undefined) {
        throw problem(
          p.file,
          p.line,
          'metadata.name',
          `the config has no ${p.patch.kind} named ${metadata?.name}; to add one, give the whole resource with its apiVersion`,
        );
      }
      added.push({ file: `${p.file} [${label}]`, text: stringify(mergePatch(undefined, p.patch)) });
      continue;
    }
    const { name: _name, namespace: _namespace, ...metadataBody } = metadata ?? {};
    patchDocument(target.id.doc, target.id.base, {
      ...body,
      ...(Object.keys(metadataBody).length > 0 ? { metadata: metadataBody } : {}),
    });
    target.config.changed = true;
  }
  out.config = [
    ...configs.map(({ source, docs, changed }) =>
      changed ? { file: `${source.file} [${label}]`, text: docs.map(String).join('') } : source,
    ),
    ...added,
  ];
  return out;
}

/** A nested patch that sets one field: `spec.a.b` = v → `{ spec: { a: { b: v } } }`. */
export function fieldPatch(
  target: { kind: string; name?: string; namespace?: string },
  path: readonly string[],
  value: unknown,
): ResourcePatch {
  let body: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) body = { [path[i]!]: body };
  const metadata = {
    ...(target.name !== undefined ? { name: target.name } : {}),
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
  };
  return { kind: target.kind, metadata, ...(body as Record<string, unknown>) };
}

/**
 * The resources whose document has the first two segments of `path` (e.g. `spec.trafficPolicy` only
 * in DestinationRules), for a sweep that does not say which resource it changes.
 */
export function resourcesWithField(
  config: SimulationSpec['config'],
  path: readonly string[],
): Array<{ kind: string; name?: string; namespace?: string }> {
  const out: Array<{ kind: string; name?: string; namespace?: string }> = [];
  for (const { ids } of configSources(config).map(parseConfig)) {
    for (const id of ids) {
      if (typeof id.kind !== 'string' || !id.doc.hasIn([...id.base, ...path.slice(0, 2)])) continue;
      out.push({
        kind: id.kind,
        ...(typeof id.name === 'string' ? { name: id.name } : {}),
        ...(typeof id.namespace === 'string' ? { namespace: id.namespace } : {}),
      });
    }
  }
  return out;
}
