import { isDns1123Label, validateFqdn } from './hosts.js';

// Kubernetes label syntax as Istio's labels.Instance.Validate checks it.
const DNS1123_LABEL_FMT = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const QUALIFIED_NAME_FMT = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const TAG_KEY = new RegExp(`^(${DNS1123_LABEL_FMT}(?:\\.${DNS1123_LABEL_FMT})*/)?(${QUALIFIED_NAME_FMT})$`);
const LABEL_VALUE = new RegExp(`^(?:${QUALIFIED_NAME_FMT})?$`);

/** The longest key that can be valid: a 253-character prefix, `/`, a 63-character name. */
const MAX_TAG_KEY = 253 + 1 + 63;

function validateTagKey(key: string): string | undefined {
  // Checked first so a huge hostile key never reaches the (backtracking) regex.
  if (key.length > MAX_TAG_KEY) return `invalid tag key: ${JSON.stringify(key.slice(0, 40))}… (too long)`;
  const match = TAG_KEY.exec(key);
  if (match === null) return `invalid tag key: ${JSON.stringify(key)}`;
  const prefix = match[1] ?? '';
  if (prefix.length - 1 > 253) return `invalid tag key: ${JSON.stringify(key)} (DNS prefix is too long)`;
  if ((match[2] ?? '').length > 63) return `invalid tag key: ${JSON.stringify(key)} (name is too long)`;
  return undefined;
}

/** One message per bad key or value, keyed by the label's key. */
export function labelProblems(labels: Readonly<Record<string, string>> | undefined): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyProblem = validateTagKey(key);
    if (keyProblem !== undefined) problems.push([key, keyProblem]);
    if (!LABEL_VALUE.test(value)) problems.push([key, `invalid tag value: ${JSON.stringify(value)}`]);
  }
  return problems;
}

/** Istio's validateGatewayNames: `namespace/name`, or a legacy FQDN (warned). */
export function gatewayNameProblems(name: string): { error?: string; warning?: string } {
  const slash = name.indexOf('/');
  if (slash < 0) {
    let warning: string | undefined;
    if (name.includes('.')) {
      const parts = name.split('.');
      warning = `using legacy gatewayName format ${JSON.stringify(name)}; prefer the <namespace>/<name> format: "${parts[1]}/${parts[0]}"`;
    }
    const fqdnError = validateFqdn(name);
    return {
      ...(fqdnError === undefined ? {} : { error: fqdnError }),
      ...(warning === undefined ? {} : { warning }),
    };
  }
  const namespace = name.slice(0, slash);
  const gateway = name.slice(slash + 1);
  if (namespace === '' || gateway === '')
    return { error: 'config namespace and gateway name cannot be empty' };
  if (!isDns1123Label(namespace))
    return { error: `invalid value for namespace: ${JSON.stringify(namespace)}` };
  if (!isDns1123Label(gateway))
    return { error: `invalid value for gateway name: ${JSON.stringify(gateway)}` };
  return {};
}
