import type { UpstreamTlsModel } from '../../envoy/tls.js';
import type { FieldPath } from '../resources/positions.js';
import type { ClientTLSSettings } from '../resources/schema/destination-rule.js';
import { compareVersions } from './istio-version.js';
import type { ReportAt } from './report-at.js';

/**
 * `tls` fields meshsim records on the context but never checks: the client certificate and key (servers
 * do not ask for one), the CRL, and the SNI (a server presents its one certificate whatever the SNI).
 * caCertificates, subjectAltNames and insecureSkipVerify decide the verification of an endpoint's
 * `certificate`.
 */
const UNCHECKED_TLS_FIELDS = ['clientCertificate', 'privateKey', 'credentialName', 'sni', 'caCrl'] as const;

/**
 * Istio 1.21 turned ENABLE_AUTO_SNI and VERIFY_CERTIFICATE_AT_CLIENT on by default (the `1.20`
 * compatibility profile turns both off): before it, an unset sni sends none, nothing checks the host,
 * and a context without caCertificates validates nothing.
 */
const verifiesAtClient = (istioVersion: string | undefined) =>
  istioVersion === undefined || compareVersions(istioVersion, '1.21') >= 0;

/**
 * buildUpstreamClusterTLSContext for a sidecar's outbound cluster to an external service: DISABLE (and no
 * `tls`) is plaintext; a credentialName with SIMPLE or MUTUAL builds no context at all on a sidecar unless
 * the DestinationRule has a workloadSelector (such rules are not looked up here), so it is plaintext too.
 */
export function upstreamTls(
  tls: ClientTLSSettings | undefined,
  serviceEntrySans: readonly string[],
  port: number,
  subset: string,
  host: string,
  istioVersion?: string,
): UpstreamTlsModel | null {
  const mode = tls?.mode ?? 'DISABLE';
  if (tls === undefined || mode === 'DISABLE') return null;
  if (mode !== 'ISTIO_MUTUAL' && (tls.credentialName ?? '') !== '') return null;
  const insecureSkipVerify = tls.insecureSkipVerify === true;
  const sans = tls.subjectAltNames ?? [];
  if (mode === 'ISTIO_MUTUAL') {
    return {
      mode,
      // The SNI istiod computes for in-mesh mTLS: outbound_.PORT_.SUBSET_.HOST.
      sni: tls.sni || `outbound_.${port}_.${subset}_.${host}`,
      autoSni: false,
      autoSanValidation: false,
      caCertificates: '',
      subjectAltNames: sans,
      clientCertificate: '',
      insecureSkipVerify,
      minVersion: '1.2',
      maxVersion: '1.3',
    };
  }
  const sni = tls.sni ?? '';
  const current = verifiesAtClient(istioVersion);
  return {
    mode,
    sni,
    autoSni: current && sni === '',
    autoSanValidation: current && sni === '' && sans.length === 0 && !insecureSkipVerify,
    caCertificates: tls.caCertificates || (current ? 'system' : ''),
    subjectAltNames: sans.length > 0 ? sans : serviceEntrySans,
    clientCertificate: mode === 'MUTUAL' ? (tls.clientCertificate ?? '') : '',
    insecureSkipVerify,
    minVersion: '1.2',
    maxVersion: '1.3',
  };
}

/**
 * A cluster's TLS origination, with a warning where istiod builds no context or meshsim records a field
 * without checking it. The handshake's round trips come on top of TCP's; an endpoint's `certificate` is
 * verified against the context, and `connect: tlsError` breaks the handshake outright.
 */
export function clusterTls(
  settings: ClientTLSSettings | undefined,
  serviceEntrySans: readonly string[],
  port: number,
  subset: string,
  host: string,
  path: FieldPath,
  drAt: ReportAt,
  istioVersion?: string,
): UpstreamTlsModel | null {
  const tls = upstreamTls(settings, serviceEntrySans, port, subset, host, istioVersion);
  if (settings !== undefined && tls === null && (settings.mode ?? 'DISABLE') !== 'DISABLE') {
    drAt(
      [...path, 'credentialName'],
      'warning',
      `istiod builds no TLS context for credentialName in a sidecar's DestinationRule without a workloadSelector: ${settings.mode} is not originated, traffic leaves in plaintext`,
    );
  }
  for (const field of UNCHECKED_TLS_FIELDS) {
    if (tls !== null && settings?.[field] !== undefined)
      drAt([...path, field], 'warning', 'recorded; not checked by the simulation');
  }
  return tls;
}
