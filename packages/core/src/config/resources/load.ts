import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { checkOptions, configSourcesOf } from './argument-checks.js';
import { type Diagnostic, type Severity, strictly } from './diagnostics.js';
import { type EnvoyConfigShape, envoyConfigShape } from './envoy-config-document.js';
import { classifyDocument, type SimulatedKind } from './kinds.js';
import { kubernetesListItems } from './kubernetes-list.js';
import { type LoadedMeshConfig, loadMeshConfig } from './mesh-config-document.js';
import { type FieldPath, formatPath, locate, type Position } from './positions.js';
import { type DestinationRule, destinationRuleSchema } from './schema/destination-rule.js';
import { type Scenario, scenarioSchema } from './schema/scenario.js';
import { type ServiceEntry, serviceEntrySchema } from './schema/service-entry.js';
import { type Sidecar, sidecarSchema, unmodelledSidecarFields } from './schema/sidecar.js';
import { type VirtualService, virtualServiceSchema } from './schema/virtual-service.js';
import { validateResource } from './validate-resource.js';
import { type IstioResource, webhookProblems } from './validation/index.js';
import { MAX_DIAGNOSTICS_PER_SOURCE, parseYamlSource } from './yaml-documents.js';

export interface ConfigSource {
  /** Shown in diagnostics. */
  file: string;
  text: string;
}

/** A validated resource and where it came from, so later stages can point diagnostics at its fields. */
export interface Located<T> {
  file: string;
  /** 1-based line where the document's content starts. */
  line: number;
  resource: T;
  /** Position of a field (e.g. `['spec', 'ports', 0, 'number']`); a missing field gives its nearest ancestor. */
  positionOf(path: FieldPath): Position;
}

/** An Envoy configuration as loaded: the parsed document, unvalidated, and where each field is. */
export type EnvoyConfigDocument = Located<Record<string, unknown>> & { shape: EnvoyConfigShape };

export interface LoadedConfig {
  serviceEntries: Array<Located<ServiceEntry>>;
  destinationRules: Array<Located<DestinationRule>>;
  virtualServices: Array<Located<VirtualService>>;
  /** Sidecar resources: which services each workload's sidecar imports, and its outbound traffic policy. */
  sidecars: Array<Located<Sidecar>>;
  /** The istio ConfigMap's mesh config, when one is given. */
  meshConfig?: LoadedMeshConfig;
  scenario?: Located<Scenario>;
  /** Envoy configurations (config dumps, bootstraps): read by config/envoy-dump, not validated here. */
  envoyConfigs: EnvoyConfigDocument[];
  /** Everything found, per source in line order; a resource with an error is left out of the lists above. */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Larger sources are rejected unparsed. Default 16 MiB. */
  maxBytes?: number;
  /** YAML alias expansions allowed per document (billion-laughs protection). Default 100. */
  maxAliasCount?: number;
  /** Deepest nesting of maps and lists accepted. Default 200. */
  maxDepth?: number;
  /** Warnings (unknown fields, what kubectl would only warn about) are errors. */
  strict?: boolean;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_ALIAS_COUNT = 100;
const DEFAULT_MAX_DEPTH = 200;

interface DocumentContext {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  line: number;
  /** Where the resource sits in its document: [] for a document of its own, ['items', i] in a List. */
  base: FieldPath;
  /** The whole source text (the mesh config's positions are found in it). */
  source: string;
}

function diagnosticAt(
  ctx: DocumentContext,
  severity: Severity,
  path: readonly PropertyKey[],
  message: string,
  atKey = false,
): Diagnostic {
  const fieldPath = path.filter((p): p is string | number => typeof p !== 'symbol');
  const { line, column } = locate(ctx.doc, ctx.lineCounter, [...ctx.base, ...fieldPath], { atKey });
  return { severity, file: ctx.file, line, column, path: formatPath(path), message };
}

function locatedIn<T>(ctx: DocumentContext, resource: T): Located<T> {
  return {
    file: ctx.file,
    line: ctx.line,
    resource,
    positionOf: (path) =>
      locate(ctx.doc, ctx.lineCounter, ctx.base.length === 0 ? path : [...ctx.base, ...path]),
  };
}

/** Resources seen so far, by `Kind namespace/name`, to index in their kind's list. */
type SeenResources = Map<string, number>;

/** Adds a resource; a second one with the same kind, namespace and name replaces the first, as `kubectl apply` would. */
function addResource<T extends { metadata: { namespace: string; name: string } }>(
  list: Array<Located<T>>,
  kind: string,
  located: Located<T>,
  seen: SeenResources,
  diagnostics: Diagnostic[],
): void {
  const id = `${kind} ${located.resource.metadata.namespace}/${located.resource.metadata.name}`;
  const earlier = seen.get(id);
  if (earlier === undefined) {
    seen.set(id, list.push(located) - 1);
    return;
  }
  const first = list[earlier]!;
  const message = `duplicate ${id} (also at ${first.file}:${first.line}); this later one replaces it`;
  diagnostics.push({
    severity: 'warning',
    file: located.file,
    line: located.line,
    column: 1,
    path: '',
    message,
  });
  list[earlier] = located;
}

/**
 * Parses and validates Istio resources and the Scenario from YAML (a string, bytes read without an
 * encoding decoded as UTF-8, or `{ file, text }` sources). Never throws on bad input: every problem is
 * a diagnostic, and resources with errors are left out. An argument of another kind throws an
 * ArgumentError.
 */
export function loadConfig(
  sources: ConfigSource | ConfigSource[] | string | Uint8Array,
  options: LoadOptions = {},
): LoadedConfig {
  const list = configSourcesOf('loadConfig(sources)', sources);
  checkOptions('loadConfig(options)', options);
  const loaded: LoadedConfig = {
    serviceEntries: [],
    destinationRules: [],
    virtualServices: [],
    sidecars: [],
    envoyConfigs: [],
    diagnostics: [],
  };
  const limits = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
  const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  const seen: SeenResources = new Map();

  for (const source of list) {
    const parsed = parseYamlSource(source.file, source.text, limits);
    const before = loaded.diagnostics.length;
    loaded.diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      const start = doc.contents?.range?.[0] ?? 0;
      const ctx: DocumentContext = {
        file: source.file,
        doc,
        lineCounter: parsed.lineCounter,
        line: parsed.lineCounter.linePos(start).line,
        base: [],
        source: source.text,
      };
      let raw: unknown;
      try {
        raw = doc.toJS({ maxAliasCount });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        loaded.diagnostics.push(
          diagnosticAt(ctx, 'error', [], `YAML aliases could not be expanded: ${reason}`),
        );
        continue;
      }
      // `kubectl get … -o yaml|json` wraps what it finds in a List: each item is a resource of its own.
      const list = kubernetesListItems(raw);
      if (list === null) {
        loadDocument(ctx, raw as Record<string, unknown>, loaded, seen);
        continue;
      }
      for (const { item, index } of list) {
        const base = ['items', index];
        const { line } = locate(doc, parsed.lineCounter, base);
        const itemCtx = { ...ctx, base, line };
        if (item === null) {
          const message = `items[${index}] is not a resource (a mapping); skipped`;
          loaded.diagnostics.push(diagnosticAt(itemCtx, 'error', [], message));
        } else {
          loadDocument(itemCtx, item, loaded, seen);
        }
      }
    }
    // Reading order within each file, whichever stage found the problem (the sort is stable).
    const fromThisSource = loaded.diagnostics.splice(before);
    fromThisSource.sort((a, b) => a.line - b.line || a.column - b.column);
    loaded.diagnostics.push(...listedOf(fromThisSource, source.file));
  }
  if (options.strict === true) loaded.diagnostics = strictly(loaded.diagnostics);
  return loaded;
}

/**
 * A file's diagnostics as they are listed: the first MAX_DIAGNOSTICS_PER_SOURCE, then one line counting
 * the rest (an error if any of them is one), as for syntax errors: 100,000 documents of an unknown kind
 * are one warning each, which nobody reads.
 */
const NOT_LISTED = /^(\d+) more problems in this file not listed$/;

function listedOf(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_PER_SOURCE + 1) return diagnostics;
  const counted = (d: Diagnostic) => Number(NOT_LISTED.exec(d.message)?.[1] ?? 1);
  const all = diagnostics.filter((d) => !NOT_LISTED.test(d.message));
  const listed = all.slice(0, MAX_DIAGNOSTICS_PER_SOURCE);
  const shown = new Set(listed);
  const rest = diagnostics.filter((d) => !shown.has(d));
  const severity = rest.some((d) => d.severity === 'error') ? 'error' : 'warning';
  const message = `${rest.reduce((n, d) => n + counted(d), 0)} more problems in this file not listed`;
  listed.push({ severity, file, line: 1, column: 1, path: '', message });
  return listed;
}

/** Validates one document against its kind's schema, reporting problems; the value if it has no error. */
function validated<T>(
  ctx: DocumentContext,
  schema: z.ZodType<T>,
  raw: unknown,
  kind: SimulatedKind,
  out: Diagnostic[],
) {
  const outcome = validateResource(schema, raw, kind === 'Scenario' ? 'error' : 'warn');
  for (const problem of outcome.problems) {
    const diagnostic = diagnosticAt(ctx, problem.severity, problem.path, problem.message, problem.atKey);
    out.push(problem.rule === undefined ? diagnostic : { ...diagnostic, rule: problem.rule });
  }
  if (outcome.value === undefined) return undefined;
  // The API server's schema accepted it; now istiod's webhook has its say.
  if (kind !== 'Scenario') {
    const problems = webhookProblems({ kind, resource: outcome.value } as IstioResource);
    for (const problem of problems) {
      out.push({ ...diagnosticAt(ctx, problem.severity, problem.path, problem.message), rule: problem.rule });
    }
    if (problems.some((problem) => problem.severity === 'error')) return undefined;
  }
  return locatedIn(ctx, outcome.value);
}

/** The `mesh` text of Istio's ConfigMap (`istio`, or a revision's `istio-REV`), or null for any other document. */
function istioMeshText(raw: Record<string, unknown>): string | null {
  const meta = raw.metadata as { name?: unknown } | undefined;
  const data = raw.data as { mesh?: unknown } | undefined;
  const named = typeof meta?.name === 'string' && /^istio(-[a-z0-9-]+)?$/.test(meta.name);
  return raw.kind === 'ConfigMap' && raw.apiVersion === 'v1' && named && typeof data?.mesh === 'string'
    ? data.mesh
    : null;
}

/** The mesh config of Istio's ConfigMap; a second one is an error, as two meshes cannot apply to one sidecar. */
function loadMesh(
  ctx: DocumentContext,
  raw: Record<string, unknown>,
  text: string,
  loaded: LoadedConfig,
): void {
  const meta = raw.metadata as { name: string; namespace?: unknown };
  const name = `${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/${meta.name}`;
  if (loaded.meshConfig !== undefined) {
    const first = loaded.meshConfig;
    const message = `a second mesh config (ConfigMap ${name}); the first is ConfigMap ${first.name} at ${first.file}:${first.line}`;
    loaded.diagnostics.push(diagnosticAt(ctx, 'error', [], message));
    return;
  }
  const t = {
    file: ctx.file,
    line: ctx.line,
    name,
    doc: ctx.doc,
    lineCounter: ctx.lineCounter,
    source: ctx.source,
    base: ctx.base,
  };
  const mesh = loadMeshConfig(t, text, loaded.diagnostics);
  if (mesh !== undefined) loaded.meshConfig = mesh;
}

function loadDocument(
  ctx: DocumentContext,
  raw: Record<string, unknown>,
  loaded: LoadedConfig,
  seen: SeenResources,
): void {
  const shape = envoyConfigShape(raw);
  if (shape !== null) {
    loaded.envoyConfigs.push({ ...locatedIn(ctx, raw), shape });
    return;
  }
  const meshText = istioMeshText(raw);
  if (meshText !== null) {
    loadMesh(ctx, raw, meshText, loaded);
    return;
  }
  const verdict = classifyDocument(raw.apiVersion, raw.kind);
  const out = loaded.diagnostics;
  if (verdict.kind === undefined) {
    out.push(diagnosticAt(ctx, verdict.severity, verdict.path === '' ? [] : [verdict.path], verdict.message));
    return;
  }
  switch (verdict.kind) {
    case 'ServiceEntry': {
      const located = validated(ctx, serviceEntrySchema, raw, verdict.kind, out);
      if (located) addResource(loaded.serviceEntries, verdict.kind, located, seen, out);
      return;
    }
    case 'DestinationRule': {
      const located = validated(ctx, destinationRuleSchema, raw, verdict.kind, out);
      if (located) addResource(loaded.destinationRules, verdict.kind, located, seen, out);
      return;
    }
    case 'VirtualService': {
      const located = validated(ctx, virtualServiceSchema, raw, verdict.kind, out);
      if (located) addResource(loaded.virtualServices, verdict.kind, located, seen, out);
      return;
    }
    case 'Sidecar': {
      const located = validated(ctx, sidecarSchema, raw, verdict.kind, out);
      if (!located) return;
      addResource(loaded.sidecars, verdict.kind, located, seen, out);
      for (const { path, why } of unmodelledSidecarFields(located.resource))
        out.push(diagnosticAt(ctx, 'warning', path, `not modelled: ${why}`));
      return;
    }
    case 'Scenario': {
      const located = validated(ctx, scenarioSchema, raw, verdict.kind, out);
      if (loaded.scenario !== undefined) {
        const first = loaded.scenario;
        const message = `only one Scenario document is allowed; the first is at ${first.file}:${first.line}`;
        out.push(diagnosticAt(ctx, 'error', [], message));
      } else if (located) {
        loaded.scenario = located;
      }
      return;
    }
  }
}
