import type { UpstreamTlsModel } from '../../envoy/tls.js';

import type { ClientTLSSettings } from '../resources/schema/destination-rule.js';

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
  return {
    mode,
    sni,
    autoSni: sni === '',
    autoSanValidation: sni === '' && sans.length === 0 && !insecureSkipVerify,
    caCertificates: tls.caCertificates || 'system',
    subjectAltNames: sans.length > 0 ? sans : serviceEntrySans,
    clientCertificate: mode === 'MUTUAL' ? (tls.clientCertificate ?? '') : '',
    insecureSkipVerify,
    minVersion: '1.2',
    maxVersion: '1.3',
  };
}
