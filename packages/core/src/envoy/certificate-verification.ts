import type { UpstreamTlsModel } from './tls.js';

/** A server's certificate as the validator reads it: its names, its issuer by name, its validity in run time (ms). */
export interface ServerCertificate {
  subjectAltNames: readonly string[];
  issuer: string;
  notBeforeMs: number;
  notAfterMs: number;
}

/** What Envoy's DefaultCertValidator makes of a server's certificate, by the stat it counts. */
export const CertVerdict = { Ok: 0, FailVerifyError: 1, FailVerifySan: 2 } as const;
export type CertVerdict = (typeof CertVerdict)[keyof typeof CertVerdict];

/** The issuer the system trust store holds, and the one Istio's mesh roots hold. */
export const PUBLIC_CA = 'public';
export const MESH_CA = 'mesh';

/**
 * Utility::dnsNameMatch: a name matches a SAN equal to it (case-insensitively), or a `*.rest` SAN when the
 * name is one more label, not empty, in front of `rest`.
 */
export function dnsNameMatch(name: string, san: string): boolean {
  const n = name.toLowerCase();
  const p = san.toLowerCase();
  if (n === p) return true;
  if (p.length < 3 || !p.startsWith('*.')) return false;
  const rest = p.slice(1);
  if (n.length <= rest.length || !n.endsWith(rest)) return false;
  return !n.slice(0, n.length - rest.length).includes('.');
}

/** The CA name a context trusts, or null when it validates nothing (insecureSkipVerify, no CA configured). */
export function trustedCa(tls: UpstreamTlsModel): string | null {
  if (tls.insecureSkipVerify) return null;
  if (tls.mode === 'ISTIO_MUTUAL') return MESH_CA;
  if (tls.caCertificates === '') return null;
  return tls.caCertificates === 'system' ? PUBLIC_CA : tls.caCertificates;
}

/**
 * DefaultCertValidator::doVerifyCertChain for an upstream handshake at `nowMs`: the chain against the
 * trusted CA and the validity period first (fail_verify_error), then auto_san_validation's host
 * (verifySubjectAltName) and the context's match_subject_alt_names (fail_verify_san). A server with no
 * certificate configured passes, as every handshake did before certificates were modelled.
 */
export function verifyServerCertificate(
  tls: UpstreamTlsModel,
  requestHost: string,
  cert: ServerCertificate | undefined,
  nowMs: number,
): CertVerdict {
  if (cert === undefined) return CertVerdict.Ok;
  const ca = trustedCa(tls);
  if (ca === null) return CertVerdict.Ok;
  if (cert.issuer !== ca || nowMs < cert.notBeforeMs || nowMs > cert.notAfterMs)
    return CertVerdict.FailVerifyError;
  const sans = cert.subjectAltNames;
  if (tls.autoSanValidation && !carries(sans, requestHost)) return CertVerdict.FailVerifySan;
  const wanted = tls.subjectAltNames;
  if (wanted.length === 0) return CertVerdict.Ok;
  for (const name of wanted) if (carries(sans, name)) return CertVerdict.Ok;
  return CertVerdict.FailVerifySan;
}

/** Whether one of the certificate's names matches `name`. */
function carries(sans: readonly string[], name: string): boolean {
  for (const san of sans) if (dnsNameMatch(name, san)) return true;
  return false;
}
