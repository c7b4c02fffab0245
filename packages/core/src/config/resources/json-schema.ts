import * as z from 'zod';
import { ISTIO_GROUP, type ISTIO_KINDS, ISTIO_VERSIONS, type SimulatedKind } from './kinds.js';
import { destinationRuleSchema } from './schema/destination-rule.js';
import { SCENARIO_API_VERSION, scenarioSchema, trafficPatchSchema } from './schema/scenario.js';
import { dnsPatchSchema, endpointBehaviourSchema, endpointPatchSchema } from './schema/scenario-endpoint.js';
import { fieldDocKey, SCENARIO_FIELD_DOCS } from './schema/scenario-field-docs.js';
import { serviceEntrySchema } from './schema/service-entry.js';
import { sidecarSchema } from './schema/sidecar.js';
import { virtualServiceSchema } from './schema/virtual-service.js';

/** A JSON Schema (draft-07) as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** Draft-07: the dialect editors' YAML and JSON language servers support everywhere. */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

const ISTIO_REFERENCE: Record<(typeof ISTIO_KINDS)[number], string> = {
  ServiceEntry: 'https://istio.io/latest/docs/reference/config/networking/service-entry/',
  DestinationRule: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
  VirtualService: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/',
  Sidecar: 'https://istio.io/latest/docs/reference/config/networking/sidecar-config/',
};

// JSON Schema's own formats; zod adds names of its checks (`starts_with`) that editors flag as unknown.
const STANDARD_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'regex',
]);

/** Drops what zod writes that is not valid draft-07 (check names as formats, null bounds), in place. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) tidy(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  if (typeof schema.format === 'string' && !STANDARD_FORMATS.has(schema.format)) delete schema.format;
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
    if (schema[bound] === null) delete schema[bound];
  }
  for (const value of Object.values(schema)) tidy(value);
}

/** The input side of a zod schema (what YAML may say, defaults optional) as draft-07. */
function fromZod(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  }) as JsonSchema;
  delete json.$schema;
  tidy(json);
  return json;
}

/** The property schemas of an object schema, with their paths below `path`. */
function* childrenOf(node: JsonSchema, path: string): Generator<[JsonSchema, string]> {
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, child] of Object.entries(properties)) yield [child, path === '' ? key : `${path}.${key}`];
  if (typeof node.additionalProperties === 'object')
    yield [node.additionalProperties as JsonSchema, `${path}.*`];
  if (typeof node.items === 'object') yield [node.items as JsonSchema, `${path}[]`];
  for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const option of (node[branch] ?? []) as JsonSchema[]) yield [option, path];
  }
}

/** Each field of `schema` (maps as `*`, list items as `[]`) with its path and its schema, in document order. */
export function* schemaFields(
  schema: JsonSchema,
  path = '',
): Generator<{ path: string; schema: JsonSchema }> {
  for (const [child, childPath] of childrenOf(schema, path)) {
    const isField = childPath !== path && !childPath.endsWith('*') && !childPath.endsWith('[]');
    if (isField) yield { path: childPath, schema: child };
    yield* schemaFields(child, childPath);
  }
}

/** Every field's path in `schema`, in document order. */
export function fieldPaths(schema: JsonSchema, path = ''): string[] {
  return [...schemaFields(schema, path)].map((f) => f.path);
}

/** Sets each field's description from the Scenario's field docs, `path` being where `schema` sits. */
function describe(schema: JsonSchema, path: string): JsonSchema {
  for (const [child, childPath] of childrenOf(schema, path)) {
    const doc = childPath === path ? undefined : SCENARIO_FIELD_DOCS[fieldDocKey(childPath)];
    if (doc !== undefined) child.description = doc;
    describe(child, childPath);
  }
  return schema;
}

/**
 * The Scenario document: zod's schema, each field described, and a timeline entry's `set` and
 * `becomes` checked against what they patch (the zod schema takes them as any map, then checks them
 * against the target's own schema, which JSON Schema cannot tie to the target).
 */
export function scenarioJsonSchema(): JsonSchema {
  const scenario = describe(fromZod(scenarioSchema), '');
  const spec = (scenario.properties as Record<string, JsonSchema>).spec!;
  const timeline = (spec.properties as Record<string, JsonSchema>).timeline!;
  const entry = (timeline.items as JsonSchema).properties as Record<string, JsonSchema>;
  entry.set = {
    description: entry.set!.description,
    anyOf: [
      describe(fromZod(endpointPatchSchema), 'spec.endpoints.*'),
      describe(fromZod(dnsPatchSchema), 'spec.dns.*'),
      describe(fromZod(trafficPatchSchema), 'spec.traffic[]'),
    ],
  };
  entry.becomes = {
    ...describe(fromZod(endpointBehaviourSchema), 'spec.endpoints.*'),
    description: entry.becomes!.description,
  };
  return {
    title: 'meshsim Scenario',
    description: `The world around the calling sidecar (apiVersion ${SCENARIO_API_VERSION}).`,
    ...scenario,
  };
}

/** One Istio kind as meshsim validates it (Istio's own webhook rules are checked by `meshsim validate`). */
function istioJsonSchema(kind: (typeof ISTIO_KINDS)[number]): JsonSchema {
  const zodSchema = {
    ServiceEntry: serviceEntrySchema,
    DestinationRule: destinationRuleSchema,
    VirtualService: virtualServiceSchema,
    Sidecar: sidecarSchema,
  }[kind];
  const schema = fromZod(zodSchema);
  const properties = schema.properties as Record<string, JsonSchema>;
  properties.apiVersion = { type: 'string', enum: ISTIO_VERSIONS.map((v) => `${ISTIO_GROUP}/${v}`) };
  return { title: `Istio ${kind}`, description: `See ${ISTIO_REFERENCE[kind]}`, ...schema };
}

/** Each kind's schema by name: `Scenario`, `ServiceEntry`, `DestinationRule`, `VirtualService`, `Sidecar`. */
export function kindJsonSchemas(): Record<SimulatedKind, JsonSchema> {
  return {
    Scenario: scenarioJsonSchema(),
    ServiceEntry: istioJsonSchema('ServiceEntry'),
    DestinationRule: istioJsonSchema('DestinationRule'),
    VirtualService: istioJsonSchema('VirtualService'),
    Sidecar: istioJsonSchema('Sidecar'),
  };
}

/**
 * Any document of a meshsim YAML stream: each kind meshsim reads is checked against its schema (chosen
 * by `kind`); other kinds, which meshsim skips with a warning, only need apiVersion and kind.
 */
export function meshsimJsonSchema(): JsonSchema {
  const kinds = kindJsonSchemas();
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: 'A meshsim YAML document',
    description:
      'A ServiceEntry, DestinationRule, VirtualService or Sidecar (networking.istio.io), or a Scenario (meshsim.dev/v1alpha1).',
    type: 'object',
    required: ['apiVersion', 'kind'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string', examples: Object.keys(kinds) },
    },
    // JSON Schema's if/then: the keyword is `then`, and these objects are never awaited.
    allOf: Object.keys(kinds).map((kind) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword
      then: { $ref: `#/definitions/${kind}` },
    })),
    definitions: kinds,
  };
}

/** Drops every `required`, and lets each field be null: a JSON merge patch may leave anything out and null deletes. */
function asMergePatch(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asMergePatch);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'required') continue;
    if (key === 'if')
      out.if = value; // the kind a branch is for stays required
    else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, field]) => [
          name,
          { anyOf: [asMergePatch(field), { type: 'null' }] },
        ]),
      );
    } else out[key] = asMergePatch(value);
  }
  return out;
}

/** A `meshsim compare --vary` patch: documents of the same kinds, every field optional, `null` to delete. */
export function meshsimPatchJsonSchema(): JsonSchema {
  const whole = meshsimJsonSchema();
  return {
    ...(asMergePatch(whole) as JsonSchema),
    $schema: JSON_SCHEMA_DIALECT,
    title: 'A meshsim patch document',
    description:
      'A JSON merge patch over the resource of the same kind and name: maps merge, null deletes, lists and values replace.',
    required: ['kind'],
  };
}
