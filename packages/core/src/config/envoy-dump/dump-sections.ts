import type { FieldPath } from '../resources/positions.js';
import { type DumpContext, isObject } from './dump-context.js';
import { typeName } from './schema/proto-json.js';

/** A typed resource found in the config, and where. */
export interface Found {
  raw: unknown;
  path: FieldPath;
}

/** What the config holds, by kind, before any of it is read. */
export interface Sections {
  bootstrap: Found | null;
  clusters: Found[];
  endpoints: Found[];
  listeners: Found[];
  routes: Found[];
}

const RESOURCE_TYPES = {
  clusters: 'envoy.config.cluster.v3.Cluster',
  endpoints: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  listeners: 'envoy.config.listener.v3.Listener',
  routes: 'envoy.config.route.v3.RouteConfiguration',
} as const;
type Kind = keyof typeof RESOURCE_TYPES;

const V2 = /^envoy\.(api\.v2|admin\.v2alpha|config\.[a-z.]+\.v2)/;
const v2Message = (type: string) =>
  `${type} is Envoy's v2 API (Envoy before 1.13, Istio before 1.5): not supported; meshsim reads Envoy's v3 API`;

/** A resource of `kind` at `path`, after checking its `@type` (absent is fine: Envoy's YAML leaves it out). */
function add(ctx: DumpContext, out: Sections, kind: Kind, raw: unknown, path: FieldPath): void {
  if (!isObject(raw)) {
    ctx.report(
      'error',
      path,
      `must be a ${RESOURCE_TYPES[kind]} message, got ${Array.isArray(raw) ? 'a list' : String(raw)}`,
    );
    return;
  }
  const type = typeName(raw['@type'] as string | undefined);
  if (type !== '' && type !== RESOURCE_TYPES[kind]) {
    ctx.report(
      'error',
      [...path, '@type'],
      V2.test(type) ? v2Message(type) : `must be type.googleapis.com/${RESOURCE_TYPES[kind]}, got ${type}`,
    );
    return;
  }
  out[kind].push({ raw, path });
}

/** protobuf's lowerCamelCase JSON (what `istioctl proxy-config cluster -o json` prints) is not read. */
function camelCaseKey(obj: Record<string, unknown>): string | undefined {
  return Object.keys(obj).find((k) => k !== '@type' && /[a-z][A-Z]/.test(k));
}

function list(ctx: DumpContext, section: Record<string, unknown>, key: string, path: FieldPath): unknown[] {
  const value = section[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.report('error', [...path, key], 'must be a list');
    return [];
  }
  return value;
}

/** The entries of one admin ConfigDump section, by its `@type`. */
function readSection(
  ctx: DumpContext,
  out: Sections,
  section: Record<string, unknown>,
  type: string,
  path: FieldPath,
): void {
  const each = (key: string, field: string, kind: Kind) =>
    list(ctx, section, key, path).forEach((e, j) => {
      add(ctx, out, kind, isObject(e) ? e[field] : e, [...path, key, j, field]);
    });
  switch (type) {
    case 'envoy.admin.v3.BootstrapConfigDump':
      out.bootstrap = { raw: section.bootstrap, path: [...path, 'bootstrap'] };
      return;
    case 'envoy.admin.v3.ClustersConfigDump':
      each('static_clusters', 'cluster', 'clusters');
      each('dynamic_active_clusters', 'cluster', 'clusters');
      if (list(ctx, section, 'dynamic_warming_clusters', path).length > 0)
        ctx.notModelled(
          [...path, 'dynamic_warming_clusters'],
          'warming clusters: they take no traffic until warm',
        );
      return;
    case 'envoy.admin.v3.EndpointsConfigDump':
      each('static_endpoint_configs', 'endpoint_config', 'endpoints');
      each('dynamic_endpoint_configs', 'endpoint_config', 'endpoints');
      return;
    case 'envoy.admin.v3.ListenersConfigDump':
      each('static_listeners', 'listener', 'listeners');
      list(ctx, section, 'dynamic_listeners', path).forEach((e, j) => {
        const at = [...path, 'dynamic_listeners', j];
        if (isObject(e) && isObject(e.active_state))
          add(ctx, out, 'listeners', e.active_state.listener, [...at, 'active_state', 'listener']);
        else ctx.notModelled(at, 'a listener with no active state (warming, draining or in error)');
      });
      return;
    case 'envoy.admin.v3.RoutesConfigDump':
      each('static_route_configs', 'route_config', 'routes');
      each('dynamic_route_configs', 'route_config', 'routes');
      return;
    case 'envoy.admin.v3.ScopedRoutesConfigDump':
      for (const key of ['inline_scoped_route_configs', 'dynamic_scoped_route_configs'])
        if (list(ctx, section, key, path).length > 0)
          ctx.notModelled([...path, key], 'scoped route configurations');
      return;
    case 'envoy.admin.v3.SecretsConfigDump':
    case 'envoy.admin.v3.EcdsConfigDump':
      return; // certificates and discovered filter configs: nothing the simulation runs
    default:
      ctx.notModelled(path, `config section ${type}: not read`);
  }
}

/** The sections of an admin /config_dump (or `istioctl proxy-config all -o json`). */
export function configDumpSections(ctx: DumpContext, raw: Record<string, unknown>): Sections {
  const out: Sections = { bootstrap: null, clusters: [], endpoints: [], listeners: [], routes: [] };
  list(ctx, raw, 'configs', []).forEach((section, i) => {
    const path = ['configs', i];
    if (!isObject(section)) {
      ctx.report('error', path, 'must be a config dump section (a mapping with @type)');
      return;
    }
    const type = typeName(section['@type'] as string | undefined);
    if (type === '' || V2.test(type)) {
      const message = type === '' ? 'is required: every config dump section names its type' : v2Message(type);
      ctx.report('error', [...path, '@type'], message);
      return;
    }
    const camel = camelCaseKey(section);
    if (camel !== undefined) {
      ctx.report(
        'error',
        [...path, camel],
        `protobuf's lowerCamelCase field names are not read: take the dump as Envoy's /config_dump or \`istioctl proxy-config all POD -o json\` print it (snake_case)`,
      );
      return;
    }
    readSection(ctx, out, section, type, path);
  });
  return out;
}

/** A bootstrap's static_resources (Envoy's documentation examples), or an xDS `resources` list. */
export function staticSections(
  ctx: DumpContext,
  raw: Record<string, unknown>,
  shape: 'bootstrap' | 'resources',
): Sections {
  const out: Sections = { bootstrap: null, clusters: [], endpoints: [], listeners: [], routes: [] };
  if (shape === 'resources') {
    list(ctx, raw, 'resources', []).forEach((r, i) => {
      const type = isObject(r) ? typeName(r['@type'] as string | undefined) : '';
      const kind = (Object.keys(RESOURCE_TYPES) as Kind[]).find((k) => RESOURCE_TYPES[k] === type);
      if (kind !== undefined) add(ctx, out, kind, r, ['resources', i]);
      else if (V2.test(type)) ctx.report('error', ['resources', i, '@type'], v2Message(type));
      else
        ctx.report(
          'error',
          ['resources', i, '@type'],
          `must name a Cluster, ClusterLoadAssignment, Listener or RouteConfiguration (v3), got ${type || 'nothing'}`,
        );
    });
    return out;
  }
  if (raw.staticResources !== undefined) {
    ctx.report(
      'error',
      ['staticResources'],
      "protobuf's lowerCamelCase field names are not read: write the bootstrap as Envoy's documentation does (static_resources)",
    );
    return out;
  }
  out.bootstrap = { raw, path: [] };
  const statics = raw.static_resources as Record<string, unknown>;
  for (const kind of ['clusters', 'listeners'] as const) {
    list(ctx, statics, kind, ['static_resources']).forEach((r, i) => {
      add(ctx, out, kind, r, ['static_resources', kind, i]);
    });
  }
  if (raw.dynamic_resources !== undefined)
    ctx.notModelled(
      ['dynamic_resources'],
      'xDS sources: what they would serve is unknown here; take a /config_dump of the running Envoy',
    );
  return out;
}
