import { describe, expect, it } from 'vitest';
import { CertVerdict, dnsNameMatch, verifyServerCertificate } from '../src/envoy/certificate-verification.js';
import type { UpstreamTlsModel } from '../src/envoy/tls.js';

const simple: UpstreamTlsModel = {
  mode: 'SIMPLE',
  sni: '',
  autoSni: true,
  autoSanValidation: true,
  caCertificates: 'system',
  subjectAltNames: [],
  clientCertificate: '',
  insecureSkipVerify: false,
  minVersion: '1.2',
  maxVersion: '1.3',
};
const cert = (
  subjectAltNames: string[],
  issuer = 'public',
  notBeforeMs = -Infinity,
  notAfterMs = Infinity,
) => ({
  subjectAltNames,
  issuer,
  notBeforeMs,
  notAfterMs,
});

describe('Utility::dnsNameMatch', () => {
  it('matches equal names case-insensitively, and a wildcard over exactly one leading label', () => {
    expect(dnsNameMatch('API.example.com', 'api.EXAMPLE.com')).toBe(true);
    expect(dnsNameMatch('api.example.com', '*.example.com')).toBe(true);
    expect(dnsNameMatch('example.com', '*.example.com')).toBe(false);
    expect(dnsNameMatch('a.b.example.com', '*.example.com')).toBe(false);
    expect(dnsNameMatch('.example.com', '*.example.com')).toBe(false);
    expect(dnsNameMatch('api.example.com', 'api.*.com')).toBe(false);
  });
});

describe('verifyServerCertificate', () => {
  it('checks the chain and validity before the names, and the validity bounds inclusively', () => {
    // A foreign CA fails as fail_verify_error even when the names are wrong too.
    expect(verifyServerCertificate(simple, 'api.example.com', cert(['x.test'], 'private'), 0)).toBe(
      CertVerdict.FailVerifyError,
    );
    const window = cert(['api.example.com'], 'public', 1000, 2000);
    expect(verifyServerCertificate(simple, 'api.example.com', window, 999)).toBe(CertVerdict.FailVerifyError);
    expect(verifyServerCertificate(simple, 'api.example.com', window, 1000)).toBe(CertVerdict.Ok);
    expect(verifyServerCertificate(simple, 'api.example.com', window, 2000)).toBe(CertVerdict.Ok);
    expect(verifyServerCertificate(simple, 'api.example.com', window, 2001)).toBe(
      CertVerdict.FailVerifyError,
    );
  });

  it('auto SAN and the SAN matchers both apply; ISTIO_MUTUAL trusts the mesh CA; no certificate passes', () => {
    const both = { ...simple, subjectAltNames: ['pay.example.com'] };
    expect(verifyServerCertificate(both, 'api.example.com', cert(['api.example.com']), 0)).toBe(
      CertVerdict.FailVerifySan,
    );
    expect(verifyServerCertificate(both, 'api.example.com', cert(['*.example.com']), 0)).toBe(CertVerdict.Ok);
    const mesh = { ...simple, mode: 'ISTIO_MUTUAL' as const, caCertificates: '', autoSanValidation: false };
    expect(verifyServerCertificate(mesh, 'h', cert(['spiffe://cluster.local/ns/a/sa/b'], 'mesh'), 0)).toBe(
      CertVerdict.Ok,
    );
    expect(verifyServerCertificate(mesh, 'h', cert(['x'], 'public'), 0)).toBe(CertVerdict.FailVerifyError);
    expect(verifyServerCertificate(simple, 'api.example.com', undefined, 0)).toBe(CertVerdict.Ok);
  });
});
