import type { ClusterModel } from '../../envoy/cluster.js';
import type { UpstreamTlsModel } from '../../envoy/tls.js';
import type { FieldPath } from '../resources/positions.js';
import type { DumpContext } from './dump-context.js';
import type { ClusterJson } from './schema/cluster.js';
import { type typedConfig, typeName } from './schema/proto-json.js';
import {
  type StringMatcherJson,
  type UpstreamTlsContextJson,
  upstreamTlsContextSchema,
} from './schema/tls.js';

const TLS_SOCKET = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const RAW_BUFFER = 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer';

type TransportSocket = {
  name?: string | undefined;
  typed_config?: ReturnType<typeof typedConfig>['_output'] | undefined;
};

/** What a transport socket does to a connection: plaintext, a TLS context, or something meshsim cannot run. */
export type SocketKind =
  | { kind: 'plaintext' }
  | { kind: 'tls'; context: UpstreamTlsContextJson }
  | { kind: 'other'; what: string };

/** A transport socket, by its typed config's message (or its name, as Envoy's YAML examples write it). */
export function socketKind(
  ctx: DumpContext,
  socket: TransportSocket | undefined,
  path: FieldPath,
): SocketKind | null {
  if (socket === undefined) return { kind: 'plaintext' };
  const type = typeName(socket.typed_config?.['@type']);
  if (type === RAW_BUFFER || (type === '' && /raw_buffer$/.test(socket.name ?? '')))
    return { kind: 'plaintext' };
  if (type === TLS_SOCKET || (type === '' && /transport_sockets\.tls$|^tls$/.test(socket.name ?? ''))) {
    const context = ctx.parse(upstreamTlsContextSchema, socket.typed_config ?? {}, [...path, 'typed_config']);
    return context === undefined ? null : { kind: 'tls', context };
  }
  return { kind: 'other', what: type || socket.name || 'an unnamed transport socket' };
}

const versionOf = (v: string | undefined, fallback: '1.2' | '1.3'): string =>
  v === undefined || v === 'TLS_AUTO' ? fallback : v.replace('TLSV', '').replace('_', '.');

/** The names a SAN matcher accepts, as text. */
const sanText = (m: StringMatcherJson | undefined): string =>
  m?.exact ??
  (m?.prefix !== undefined
    ? `${m.prefix}*`
    : m?.suffix !== undefined
      ? `*${m.suffix}`
      : (m?.safe_regex?.regex ?? '?'));

/** Where the server certificate is checked against: an SDS secret (Istio's `file-root:PATH`, `ROOTCA`) or a file. */
function caOf(c: UpstreamTlsContextJson): string {
  const common = c.common_tls_context;
  const sds =
    common?.combined_validation_context?.validation_context_sds_secret_config?.name ??
    common?.validation_context_sds_secret_config?.name;
  if (sds !== undefined) return sds === 'ROOTCA' ? '' : sds.replace(/^file-root:/, '');
  const ca = (common?.combined_validation_context?.default_validation_context ?? common?.validation_context)
    ?.trusted_ca;
  return ca?.filename ?? (ca === undefined ? '' : 'inline');
}

/**
 * The UpstreamTlsContext as explain shows it, and its mode: MUTUAL with a client certificate,
 * ISTIO_MUTUAL with Istio's workload certificate (SDS `default`, validated by `ROOTCA`), SIMPLE otherwise.
 * Envoy's client defaults: TLS 1.2 at most, no verification without a CA.
 */
export function tlsModelOf(
  context: UpstreamTlsContextJson,
  auto: { sni: boolean; san: boolean },
): UpstreamTlsModel {
  const common = context.common_tls_context;
  const certSds = common?.tls_certificate_sds_secret_configs?.[0]?.name;
  const certFile = common?.tls_certificates?.[0]?.certificate_chain?.filename;
  const validation =
    common?.combined_validation_context?.default_validation_context ?? common?.validation_context;
  const sans = [
    ...(validation?.match_subject_alt_names ?? []).map(sanText),
    ...(validation?.match_typed_subject_alt_names ?? []).map((m) => sanText(m.matcher)),
  ];
  const ca = caOf(context);
  const istio =
    certSds === 'default' &&
    common?.combined_validation_context?.validation_context_sds_secret_config?.name === 'ROOTCA';
  const hasClientCert = certSds !== undefined || certFile !== undefined;
  const max = versionOf(common?.tls_params?.tls_maximum_protocol_version, '1.2');
  return {
    mode: istio ? 'ISTIO_MUTUAL' : hasClientCert ? 'MUTUAL' : 'SIMPLE',
    sni: context.sni ?? '',
    autoSni: auto.sni,
    autoSanValidation: auto.san,
    caCertificates: ca,
    subjectAltNames: sans,
    clientCertificate: istio
      ? ''
      : (certFile ?? (certSds ?? '').replace(/^file-cert:/, '').replace(/~.*$/, '')),
    insecureSkipVerify: ca === '' && !istio,
    minVersion: '1.2',
    maxVersion: max === '1.3' ? '1.3' : '1.2',
  };
}

/** The metadata a transport_socket_matches entry compares: the endpoint's `envoy.transport_socket_match`. */
export type SocketMatchMetadata = Readonly<Record<string, unknown>>;

/**
 * The cluster's TLS origination: its transport_socket, or with transport_socket_matches the entry each
 * endpoint's metadata selects. Endpoints that differ are simulated with TLS for every host, and said so.
 * Null (with a diagnostic) for a socket meshsim does not run.
 */
export function readTls(
  ctx: DumpContext,
  c: ClusterJson,
  path: FieldPath,
  endpointMetadata: readonly SocketMatchMetadata[],
  auto: { sni: boolean; san: boolean },
): Pick<ClusterModel, 'tlsMode' | 'tls'> | { unsupported: string } {
  const matches = c.transport_socket_matches ?? [];
  const chosen: Array<{ socket: TransportSocket | undefined; path: FieldPath }> = [];
  if (matches.length === 0) chosen.push({ socket: c.transport_socket, path: [...path, 'transport_socket'] });
  const endpoints = endpointMetadata.length > 0 ? endpointMetadata : [{}];
  for (const metadata of matches.length === 0 ? [] : endpoints) {
    const i = matches.findIndex((m) => Object.entries(m.match ?? {}).every(([k, v]) => metadata[k] === v));
    chosen.push(
      i < 0
        ? { socket: c.transport_socket, path: [...path, 'transport_socket'] }
        : {
            socket: matches[i]!.transport_socket,
            path: [...path, 'transport_socket_matches', i, 'transport_socket'],
          },
    );
  }
  const kinds = chosen.map((x) => socketKind(ctx, x.socket, x.path));
  if (kinds.some((k) => k === null)) return { unsupported: 'its TLS context does not parse' };
  const other = kinds.find((k) => k?.kind === 'other');
  if (other?.kind === 'other') return { unsupported: `transport socket ${other.what}` };
  const tls = kinds.filter((k) => k?.kind === 'tls');
  if (tls.length > 0 && tls.length < kinds.length) {
    ctx.notModelled(
      [...path, 'transport_socket_matches'],
      `${tls.length} of ${kinds.length} endpoints get TLS: the simulation originates TLS to every host`,
    );
  }
  const first = tls[0];
  if (first?.kind !== 'tls') return { tlsMode: 'DISABLE', tls: null };
  const model = tlsModelOf(first.context, auto);
  return { tlsMode: model.mode, tls: model };
}
