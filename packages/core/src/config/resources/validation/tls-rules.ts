import type { ClientTLSSettings } from '../schema/destination-rule.js';
import { isDns1123Label } from './hosts.js';
import type { RuleReport } from './report.js';

// Istio's ValidateTLS for a DestinationRule's ClientTLSSettings (validation/agent).

const CONFIGMAP_PREFIX = 'configmap://';

/** `configmap://name` or `configmap://namespace/name`: the namespace must be the rule's own. */
function configMapCredentialProblem(credentialName: string, namespace: string): string | undefined {
  const rest = credentialName.slice(CONFIGMAP_PREFIX.length);
  const parts = rest.split('/');
  const [first = '', second] = parts;
  if (parts.length > 2 || rest === '' || parts.some((p) => p === '')) {
    return `invalid configmap:// credentialName: invalid resource name ${JSON.stringify(credentialName)}`;
  }
  const resourceNamespace = second === undefined ? namespace : first;
  if (resourceNamespace !== namespace || !isDns1123Label(namespace)) {
    return `invalid configmap:// credentialName: namespace must match the configuration namespace ${JSON.stringify(namespace)}`;
  }
  return undefined;
}

export function checkClientTls(
  report: RuleReport,
  tls: ClientTLSSettings | undefined,
  namespace: string,
): void {
  if (tls === undefined) return;
  const credentialName = tls.credentialName ?? '';
  const mode = tls.mode ?? 'DISABLE';
  if (credentialName.startsWith(CONFIGMAP_PREFIX)) {
    report.check(['credentialName'], configMapCredentialProblem(credentialName, namespace));
  }
  if (tls.insecureSkipVerify === true) {
    if (
      mode === 'SIMPLE' &&
      ((tls.caCertificates ?? '') !== '' || credentialName !== '' || (tls.subjectAltNames?.length ?? 0) > 0)
    ) {
      report.error(
        ['insecureSkipVerify'],
        'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true',
      );
    }
    if (mode === 'MUTUAL' && ((tls.caCertificates ?? '') !== '' || (tls.subjectAltNames?.length ?? 0) > 0)) {
      report.error(
        ['insecureSkipVerify'],
        'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true',
      );
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credentialName !== '') {
    const files = [tls.clientCertificate, tls.caCertificates, tls.privateKey, tls.caCrl];
    if (files.some((file) => (file ?? '') !== '')) {
      report.error(
        ['credentialName'],
        'cannot specify client certificates or CA certificate or CA CRL If credentialName is set',
      );
    }
    return; // the credentials come from the secret
  }
  if (mode === 'MUTUAL') {
    if ((tls.clientCertificate ?? '') === '')
      report.error(['mode'], 'client certificate required for mutual tls');
    if ((tls.privateKey ?? '') === '') report.error(['mode'], 'private key required for mutual tls');
  }
}
