import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type {
  ClientTLSSettings,
  DestinationRule,
  OutlierDetection,
} from '../config/resources/schema/destination-rule.js';
import type { ServiceEntry } from '../config/resources/schema/service-entry.js';
import { compareVersions } from '../config/translate/istio-version.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

import type { OutlierDetectionConfig } from '../envoy/outlier-detection.js';
import { byDefault, type Explained, fromField, setAt, valueAt } from './values.js';

/** What the consecutive-5xx counter sees (C.5), said where a reader looks for it. */
const COUNTS_5XX =
  '5xx responses, connect failures (503) and timeouts (504); any other status, 429 too, resets it';

/** cluster.outlier_detection, every field explained. */
export type OutlierExplanation = {
  [K in keyof OutlierDetectionConfig]: Explained<OutlierDetectionConfig[K]>;
};

/**
 * Where each outlier-detection value came from (Istio's applyOutlierDetection, ENVOY-SEMANTICS C.5): what
 * istiod leaves unset is Envoy's default; enforcing_success_rate 0 is Istio's own.
 */
export function explainOutlier(
  c: OutlierDetectionConfig,
  dr: Located<DestinationRule>,
  base: FieldPath,
  istioVersion: string,
): OutlierExplanation {
  const od = (valueAt(dr.resource, base) ?? {}) as OutlierDetection;
  const at = <T>(field: keyof OutlierDetection, value: T, note?: string) =>
    setAt(dr, [...base, field], value, note);
  const envoy = <T>(value: T, note?: string) => byDefault(value, 'Envoy default', note);
  const split = od.splitExternalLocalOriginErrors === true;
  const localOrigin = split && (od.consecutiveLocalOriginFailures ?? 0) > 0;
  const localOriginNote = !split
    ? od.consecutiveLocalOriginFailures !== undefined
      ? 'consecutiveLocalOriginFailures is ignored without splitExternalLocalOriginErrors'
      : 'counted only with splitExternalLocalOriginErrors'
    : undefined;
  const envoy127 = compareVersions(istioVersion, '1.19') >= 0;
  return {
    consecutive5xx:
      od.consecutive5xxErrors !== undefined
        ? at('consecutive5xxErrors', c.consecutive5xx, COUNTS_5XX)
        : envoy(c.consecutive5xx, COUNTS_5XX),
    enforcingConsecutive5xx:
      od.consecutive5xxErrors !== undefined
        ? at(
            'consecutive5xxErrors',
            c.enforcingConsecutive5xx,
            'Istio: 100 when consecutive5xxErrors > 0, else 0',
          )
        : envoy(c.enforcingConsecutive5xx),
    consecutiveGatewayFailure:
      od.consecutiveGatewayErrors !== undefined
        ? at('consecutiveGatewayErrors', c.consecutiveGatewayFailure)
        : envoy(c.consecutiveGatewayFailure),
    enforcingConsecutiveGatewayFailure:
      od.consecutiveGatewayErrors !== undefined
        ? at(
            'consecutiveGatewayErrors',
            c.enforcingConsecutiveGatewayFailure,
            'Istio: 100 when consecutiveGatewayErrors > 0, else 0',
          )
        : envoy(c.enforcingConsecutiveGatewayFailure, 'gateway failures are counted, never ejected'),
    splitExternalLocalOriginErrors:
      od.splitExternalLocalOriginErrors !== undefined
        ? at('splitExternalLocalOriginErrors', c.splitExternalLocalOriginErrors)
        : envoy(c.splitExternalLocalOriginErrors, 'connect failures and timeouts count as 503/504'),
    consecutiveLocalOriginFailure: localOrigin
      ? at('consecutiveLocalOriginFailures', c.consecutiveLocalOriginFailure)
      : envoy(c.consecutiveLocalOriginFailure, localOriginNote),
    enforcingConsecutiveLocalOriginFailure: localOrigin
      ? at('consecutiveLocalOriginFailures', c.enforcingConsecutiveLocalOriginFailure, 'Istio: 100')
      : envoy(c.enforcingConsecutiveLocalOriginFailure, localOriginNote),
    intervalMs: od.interval !== undefined ? at('interval', c.intervalMs) : envoy(c.intervalMs),
    baseEjectionTimeMs:
      od.baseEjectionTime !== undefined
        ? at('baseEjectionTime', c.baseEjectionTimeMs)
        : envoy(c.baseEjectionTimeMs),
    maxEjectionTimeMs: envoy(
      c.maxEjectionTimeMs,
      c.maxEjectionTimeMs > 300_000
        ? 'raised to baseEjectionTime (Envoy: max(300s, base))'
        : c.maxEjectionTimeMs === c.baseEjectionTimeMs
          ? 'Istio does not expose it; equal to baseEjectionTime, so repeated ejections do not grow longer'
          : 'Istio does not expose it',
    ),
    maxEjectionPercent:
      (od.maxEjectionPercent ?? 0) > 0
        ? at('maxEjectionPercent', c.maxEjectionPercent)
        : od.maxEjectionPercent === 0
          ? envoy(c.maxEjectionPercent, 'maxEjectionPercent 0 counts as unset')
          : envoy(c.maxEjectionPercent),
    successRateMinimumHosts: envoy(c.successRateMinimumHosts),
    successRateRequestVolume: envoy(c.successRateRequestVolume),
    successRateStdevFactor: envoy(c.successRateStdevFactor, 'thousandths: 1.9 standard deviations'),
    enforcingSuccessRate: byDefault(
      c.enforcingSuccessRate,
      'Istio default',
      'Istio never enforces success rate',
    ),
    enforcingLocalOriginSuccessRate: split
      ? byDefault(c.enforcingLocalOriginSuccessRate, 'Istio default', 'Istio never enforces success rate')
      : envoy(c.enforcingLocalOriginSuccessRate, 'used only with splitExternalLocalOriginErrors'),
    failurePercentageThreshold: envoy(c.failurePercentageThreshold),
    failurePercentageMinimumHosts: envoy(c.failurePercentageMinimumHosts),
    failurePercentageRequestVolume: envoy(c.failurePercentageRequestVolume),
    enforcingFailurePercentage: envoy(c.enforcingFailurePercentage, 'failure percentage never ejects'),
    enforcingFailurePercentageLocalOrigin: envoy(c.enforcingFailurePercentageLocalOrigin),
    capRule: envoy(
      c.capRule,
      envoy127
        ? `Istio ${istioVersion} ships Envoy ≥ 1.27: eject while 100·(ejected+1)/hosts ≤ maxEjectionPercent`
        : `Istio ${istioVersion} ships Envoy < 1.27: eject while 100·ejected/hosts < maxEjectionPercent`,
    ),
  };
}

/** The upstream TLS context as istiod builds it, every value explained (ENVOY-SEMANTICS E.1). */
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

export function explainTls(
  model: TranslatedCluster,
  serviceEntry: Located<ServiceEntry>,
  dr: Located<DestinationRule> | null,
): TlsExplanation {
  const base = model.policyPaths?.tls ?? null;
  const settings = (dr === null || base === null ? undefined : valueAt(dr.resource, base)) as
    | ClientTLSSettings
    | undefined;
  const tls = model.tls ?? null;
  const declined =
    tls === null && settings !== undefined && settings.mode !== undefined && settings.mode !== 'DISABLE';
  const mode = fromField(
    dr,
    base,
    ['mode'],
    settings?.mode ?? 'DISABLE',
    'Istio default',
    declined
      ? 'istiod builds no TLS context for credentialName in a sidecar DestinationRule without workloadSelector: plaintext'
      : model.tlsMode === 'DISABLE'
        ? 'plaintext: no TLS origination'
        : 'simulated: the handshake on every new connection, one round trip with a TLS 1.3 server (two with a TLS 1.2 one unless it resumes the cached session); certificates and names are not checked',
  );
  if (tls === null) return { mode, context: null };
  const field = <T>(name: keyof ClientTLSSettings, value: T, fallback: Explained<T>): Explained<T> =>
    dr !== null && base !== null && settings?.[name] !== undefined
      ? setAt(dr, [...base, name], value)
      : fallback;
  const sans: Explained<readonly string[]> =
    (settings?.subjectAltNames ?? []).length > 0
      ? setAt(dr!, [...base!, 'subjectAltNames'], tls.subjectAltNames)
      : tls.subjectAltNames.length > 0
        ? setAt(serviceEntry, ['spec', 'subjectAltNames'], tls.subjectAltNames, "the ServiceEntry's")
        : byDefault(
            tls.subjectAltNames,
            'Istio default',
            tls.autoSanValidation
              ? 'auto_san_validation: the certificate must match the request Host'
              : tls.insecureSkipVerify
                ? 'not verified (insecureSkipVerify)'
                : 'the name is not checked: sni is set, so no auto_san_validation; any certificate the CA signed passes',
          );
  return {
    mode,
    context: {
      sni: field(
        'sni',
        tls.sni,
        byDefault(
          tls.sni,
          'Istio default',
          tls.autoSni ? 'auto_sni: the request Host' : 'outbound_.PORT_.SUBSET_.HOST for ISTIO_MUTUAL',
        ),
      ),
      caCertificates: field(
        'caCertificates',
        tls.caCertificates,
        byDefault(
          tls.caCertificates,
          'Istio default',
          tls.mode === 'ISTIO_MUTUAL' ? 'mesh roots' : 'system roots',
        ),
      ),
      subjectAltNames: sans,
      clientCertificate: field(
        'clientCertificate',
        tls.clientCertificate,
        byDefault(
          tls.clientCertificate,
          'Istio default',
          tls.mode === 'SIMPLE' ? 'none: SIMPLE' : 'mesh certificate',
        ),
      ),
      insecureSkipVerify: field(
        'insecureSkipVerify',
        tls.insecureSkipVerify,
        byDefault(tls.insecureSkipVerify, 'Istio default'),
      ),
      versions: byDefault(
        `TLSv${tls.minVersion}–TLSv${tls.maxVersion}`,
        'Istio default',
        "Envoy's client max is 1.2",
      ),
    },
  };
}
