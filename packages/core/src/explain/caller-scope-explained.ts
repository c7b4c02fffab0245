import type { LoadedConfig } from '../config/resources/load.js';
import { type ScopedConfig, scopeFor } from '../config/translate/caller-scope.js';
import { meshSettingsOf } from '../config/translate/mesh-settings.js';
import type { Caller, ProxyExplanation } from './caller.js';
import { meshAt } from './mesh-values.js';
import type { NotExplained } from './unused.js';
import { setAt } from './values.js';

/**
 * The caller's scope for explain: the mesh config's settings and the Sidecar that applies, the resources
 * they hide (each listed with why), and the proxy's added lines (only when a Sidecar or a mesh config is
 * given, so an explanation without them stays as it was).
 */
export function explainScope(
  loaded: LoadedConfig,
  caller: Caller,
  proxy: ProxyExplanation,
): { scope: ScopedConfig; caller: Caller; proxy: ProxyExplanation; hidden: NotExplained[] } {
  const mesh = meshSettingsOf(loaded);
  const scope = scopeFor(loaded, caller, mesh);
  const hidden = scope.hidden.map((h) => ({
    what: `${h.kind} ${h.resource.resource.metadata.namespace}/${h.resource.resource.metadata.name}`,
    file: h.resource.file,
    line: h.resource.line,
    reason: h.reason,
  }));
  const out: ProxyExplanation = { ...proxy };
  const m = loaded.meshConfig;
  if (m !== undefined) out.meshConfig = { name: m.name, file: m.file, line: m.line };
  const s = scope.sidecar;
  if (s !== null) {
    const r = s.sidecar.resource;
    out.sidecar = {
      name: `${r.metadata.namespace}/${r.metadata.name}`,
      file: s.sidecar.file,
      line: s.sidecar.line,
      why: s.why,
    };
  }
  const policy = scope.outboundTrafficPolicy;
  if (policy.from === 'sidecar' && s !== null) {
    out.outboundTrafficPolicy = setAt(s.sidecar, ['spec', 'outboundTrafficPolicy'], policy.mode);
  } else if (m !== undefined) {
    out.outboundTrafficPolicy =
      m.config.outboundTrafficPolicy !== undefined
        ? meshAt(m, ['outboundTrafficPolicy'], policy.mode)
        : { value: policy.mode, from: 'default', default: 'mesh default' };
  }
  return { scope, caller: { ...caller, mesh, portVisible: scope.portVisible }, proxy: out, hidden };
}
