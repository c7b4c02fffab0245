/**
 * The cluster's UpstreamTlsContext. The simulation uses its mode (ClusterModel.tlsMode: the handshake's
 * round trips); certificates, SNI and names are not checked, and are here for `explain`.
 */
export interface UpstreamTlsModel {
  mode: 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  /** '' when unset: auto_sni then takes the SNI from the request's Host/:authority. */
  sni: string;
  autoSni: boolean;
  /** Verify the certificate against the SNI host (set when neither sni nor subjectAltNames is). */
  autoSanValidation: boolean;
  /** `system` (the proxy's trust store) when no CA is configured; '' for the mesh's own roots. */
  caCertificates: string;
  /** The names the server certificate must carry (match_subject_alt_names). */
  subjectAltNames: readonly string[];
  clientCertificate: string;
  insecureSkipVerify: boolean;
  /** tls_minimum_protocol_version and tls_maximum_protocol_version (Envoy's client default is 1.2 both). */
  minVersion: '1.2';
  maxVersion: '1.2' | '1.3';
}
