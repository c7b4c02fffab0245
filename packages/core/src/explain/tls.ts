import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { ClientTLSSettings, DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { ServiceEntry } from '../config/resources/schema/service-entry.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

import type { UpstreamTlsModel } from '../envoy/tls.js';
import { byDefault, type Explained, fromField, setAt, valueAt } from './values.js';

/** The upstream TLS context as istiod builds it, every value explained. */
export interface TlsExplanation {
  mode: Explained<NonNullable<ClientTLSSettings['mode']>>;
  /** null: plaintext, no TLS context. */
  context: {
    sni: Explained<string>;
    caCertificates: Explained<string>;
    subjectAltNames: Explained<readonly string[]>;
    clientCertificate: Explained<string>;
    insecureSkipVerify: Explained<boolean>;
    versions: Explained<string>;
  } | null;
}

/** The DestinationRule's trafficPolicy.tls block behind a cluster (`base` null: none in effect), as written. */
interface TlsSource {
  dr: Located<DestinationRule> | null;
  base: FieldPath | null;
  settings: ClientTLSSettings | undefined;
}

export function explainTls(
  model: TranslatedCluster,
  serviceEntry: Located<ServiceEntry>,
  dr: Located<DestinationRule> | null,
): TlsExplanation {
  const base = model.policyPaths?.tls ?? null;
  const settings = (dr === null || base === null ? undefined : valueAt(dr.resource, base)) as
    | ClientTLSSettings
    | undefined;
  const source: TlsSource = { dr, base, settings };
  const tls = model.tls ?? null;
  const mode = explainMode(model, source, tls === null);
  if (tls === null) return { mode, context: null };
  return { mode, context: explainContext(tls, serviceEntry, source) };
}

/** The mode, and what it comes to: plaintext, simulated origination, or a context istiod declines to build. */
function explainMode(
  model: TranslatedCluster,
  { dr, base, settings }: TlsSource,
  noContext: boolean,
): TlsExplanation['mode'] {
  const declined =
    noContext && settings !== undefined && settings.mode !== undefined && settings.mode !== 'DISABLE';
  return fromField(
    dr,
    base,
    ['mode'],
    settings?.mode ?? 'DISABLE',
    'Istio default',
    declined
      ? 'istiod builds no TLS context for credentialName in a sidecar DestinationRule without workloadSelector: plaintext'
      : model.tlsMode === 'DISABLE'
        ? 'plaintext: no TLS origination'
        : 'simulated: the handshake on every new connection, one round trip with a TLS 1.3 server (two with a TLS 1.2 one unless it resumes the cached session); certificates checked: CA, dates, names',
  );
}

function explainContext(
  tls: UpstreamTlsModel,
  serviceEntry: Located<ServiceEntry>,
  { dr, base, settings }: TlsSource,
): NonNullable<TlsExplanation['context']> {
  const field = <T>(
    name: keyof ClientTLSSettings,
    value: T,
    fallback: Explained<T>,
    note?: string,
  ): Explained<T> =>
    dr !== null && base !== null && settings?.[name] !== undefined
      ? setAt(dr, [...base, name], value, note)
      : fallback;
  const istio = <T>(value: T, note?: string) => byDefault(value, 'Istio default', note);
  return {
    sni: field(
      'sni',
      tls.sni,
      istio(
        tls.sni,
        tls.autoSni
          ? 'auto_sni: the request Host'
          : tls.mode === 'ISTIO_MUTUAL'
            ? 'outbound_.PORT_.SUBSET_.HOST for ISTIO_MUTUAL'
            : 'none sent: ENABLE_AUTO_SNI was off before Istio 1.21',
      ),
    ),
    caCertificates: field(
      'caCertificates',
      tls.caCertificates,
      istio(tls.caCertificates, defaultTrustNote(tls)),
      tls.insecureSkipVerify ? undefined : 'trusts endpoint certificates whose issuer is this name',
    ),
    subjectAltNames: explainSubjectAltNames(tls, serviceEntry, { dr, base, settings }),
    clientCertificate: field(
      'clientCertificate',
      tls.clientCertificate,
      istio(tls.clientCertificate, tls.mode === 'SIMPLE' ? 'none: SIMPLE' : 'mesh certificate'),
    ),
    insecureSkipVerify: field('insecureSkipVerify', tls.insecureSkipVerify, istio(tls.insecureSkipVerify)),
    versions: istio(`TLSv${tls.minVersion}–TLSv${tls.maxVersion}`, "Envoy's client max is 1.2"),
  };
}

/** What a context trusts when the DestinationRule names no CA. */
function defaultTrustNote(tls: UpstreamTlsModel): string {
  if (tls.mode === 'ISTIO_MUTUAL') return 'mesh roots';
  if (tls.caCertificates === '')
    return 'none: before Istio 1.21 (VERIFY_CERTIFICATE_AT_CLIENT off) nothing is verified';
  return 'system roots';
}

/** The names the certificate must carry: the DestinationRule's, else the ServiceEntry's, else how Istio checks it. */
function explainSubjectAltNames(
  tls: UpstreamTlsModel,
  serviceEntry: Located<ServiceEntry>,
  { dr, base, settings }: TlsSource,
): Explained<readonly string[]> {
  if ((settings?.subjectAltNames ?? []).length > 0) {
    return setAt(dr!, [...base!, 'subjectAltNames'], tls.subjectAltNames);
  }
  if (tls.subjectAltNames.length > 0) {
    return setAt(serviceEntry, ['spec', 'subjectAltNames'], tls.subjectAltNames, "the ServiceEntry's");
  }
  return byDefault(
    tls.subjectAltNames,
    'Istio default',
    tls.autoSanValidation
      ? 'auto_san_validation: the certificate must match the request Host'
      : tls.insecureSkipVerify
        ? 'not verified (insecureSkipVerify)'
        : tls.sni === '' && tls.mode !== 'ISTIO_MUTUAL'
          ? 'the name is not checked: VERIFY_CERTIFICATE_AT_CLIENT was off before Istio 1.21'
          : 'the name is not checked: sni is set, so no auto_san_validation; any certificate the CA signed passes',
  );
}
