// The files made from the zod schemas: the JSON Schemas that @meshsim/core ships and docs/scenario.md.
// `pnpm generate` writes them; test/generated-files.test.ts fails when a committed one is out of date.
import { DURATION_PATTERN } from '../packages/core/src/config/resources/durations.js';
import {
  fieldPaths,
  JSON_SCHEMA_DIALECT,
  type JsonSchema,
  meshsimJsonSchema,
  meshsimPatchJsonSchema,
  scenarioJsonSchema,
} from '../packages/core/src/config/resources/json-schema.js';

const json = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;

/** The type of a field as the reference prints it. */
function typeOf(node: JsonSchema): string {
  if (node.pattern === DURATION_PATTERN) return 'duration';
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).map(typeOf).join(' or ');
  if (node.type === 'array') return `list of ${typeOf(node.items as JsonSchema)}`;
  if (node.type === 'object') {
    if (node.properties !== undefined) return 'object';
    const values = node.additionalProperties;
    return typeof values === 'object' && Object.keys(values as object).length > 0
      ? `map of ${typeOf(values as JsonSchema)}`
      : 'map';
  }
  return typeof node.type === 'string' ? node.type : 'any';
}

const BIG = Number.MAX_SAFE_INTEGER;

/** Ranges and lengths, as `1..1024`, `> 0`, `≥ 1 item`. */
function limitsOf(node: JsonSchema): string {
  const parts: string[] = [];
  const min = node.minimum as number | undefined;
  const max = node.maximum as number | undefined;
  if (min !== undefined && max !== undefined && max < BIG) parts.push(`${min}..${max}`);
  else if (min !== undefined) parts.push(`≥ ${min}`);
  else if (max !== undefined && max < BIG) parts.push(`≤ ${max}`);
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${String(node.exclusiveMinimum)}`);
  if (node.minItems !== undefined) parts.push(`≥ ${String(node.minItems)} item`);
  if (node.minLength !== undefined && node.minLength !== 1) parts.push(`≥ ${String(node.minLength)} chars`);
  if (typeof node.pattern === 'string' && node.pattern !== DURATION_PATTERN)
    parts.push(`\`${node.pattern}\``);
  return parts.join(', ');
}

/** The schema of the field at `path` (as `fieldPaths` spells it) in `schema`, first match. */
function fieldAt(schema: JsonSchema, path: string): JsonSchema {
  let node = schema;
  for (const step of path.split('.')) {
    for (const part of step.split(/(?=\[\])/)) {
      if (part === '[]') node = node.items as JsonSchema;
      else if (part === '*') node = node.additionalProperties as JsonSchema;
      else node = (node.properties as Record<string, JsonSchema>)[part]!;
    }
  }
  return node;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** docs/scenario.md: every field of the Scenario, grouped under its first two path segments. */
function scenarioReference(): string {
  const schema = scenarioJsonSchema();
  const paths = fieldPaths(schema).filter(
    (p) => !p.startsWith('spec.timeline[].set.') && !p.startsWith('spec.timeline[].becomes.'),
  );
  // The document's own fields and spec's plain ones first, then a table per structured spec field.
  const groups = new Map<string, string[]>([
    ['document', []],
    ['spec', []],
  ]);
  for (const path of paths) {
    const top = path.split('.').slice(0, 2).join('.').replace(/\[\]$/, '');
    const structured = path.startsWith('spec.') && fieldPaths(fieldAt(schema, top), top).length > 0;
    const group = !path.startsWith('spec.') ? 'document' : structured ? top : 'spec';
    groups.set(group, [...(groups.get(group) ?? []), path]);
  }
  const out = [
    '# The Scenario document',
    '',
    '<!-- Generated from the zod schema by `pnpm generate` (scripts/generated-files.ts); do not edit. -->',
    '',
    'A meshsim YAML stream holds the Istio resources you would `kubectl apply` (ServiceEntry,',
    'DestinationRule, VirtualService) and one `kind: Scenario` document: the world around the calling',
    'sidecar. Every field has a default or may be left out; unknown fields are errors, reported with the',
    'file, line and field path. Durations are Istio duration strings (`250ms`, `10s`, `1m30s`, `1.5h`).',
    'In TypeScript, `simulate()` takes the same `spec` fields (see the README); `defineScenario` in',
    '`@meshsim/scenarios` types them.',
    '',
    '`meshsim explain` prints what a Scenario describes beside the clusters and routes: each endpoint',
    '(latency, failure modes and what Envoy makes of them, capacity, limits, flapping, its certificate with',
    "the verdict of each cluster's TLS context, its timeline changes) and each traffic source (target,",
    'load, requests, connections and the workers they pin to, the `x-envoy-*` headers the sidecar',
    'removes), every value at its line.',
    '',
    'Editors complete and check these documents from the JSON Schema that `@meshsim/core` ships:',
    '`schema/meshsim.schema.json` (any document of a stream, chosen by `kind`), `schema/scenario.schema.json`',
    '(a Scenario alone) and `schema/meshsim-patch.schema.json` (a `meshsim compare --vary` patch). With the',
    "YAML language server (VS Code's YAML extension, and others), start a file with",
    '',
    '```yaml',
    '# yaml-language-server: $schema=node_modules/@meshsim/core/schema/meshsim.schema.json',
    '```',
    '',
    'The path is relative to the YAML file. The language server reads the line per document of a stream, so',
    'give it again after each `---` that starts a document you want checked: `--- # yaml-language-server: $schema=…`.',
    '',
  ];
  for (const [group, fields] of groups) {
    out.push(
      `## \`${group}\``,
      '',
      '| field | type | default | limits | meaning |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const path of fields) {
      const node = fieldAt(schema, path);
      const fallback = node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``;
      out.push(
        `| \`${path}\` | ${cell(typeOf(node))} | ${cell(fallback)} | ${cell(limitsOf(node))} | ${cell(String(node.description ?? ''))} |`,
      );
    }
    out.push('');
  }
  out.push(
    "A timeline entry's `set` takes the fields of what it changes (an endpoint's, a `dns` entry's or a",
    "traffic source's), none of them required; `becomes` takes a whole endpoint behaviour.",
    '',
  );
  return out.join('\n');
}

/** Every generated file, by its path from the repository root. */
export function generatedFiles(): Record<string, string> {
  return {
    'packages/core/schema/meshsim.schema.json': json(meshsimJsonSchema()),
    'packages/core/schema/scenario.schema.json': json({
      $schema: JSON_SCHEMA_DIALECT,
      ...scenarioJsonSchema(),
    }),
    'packages/core/schema/meshsim-patch.schema.json': json(meshsimPatchJsonSchema()),
    'docs/scenario.md': scenarioReference(),
  };
}
