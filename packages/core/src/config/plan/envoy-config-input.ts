import type { EnvoyDump } from '../envoy-dump/dump-model.js';
import { readEnvoyConfig } from '../envoy-dump/read-dump.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import type { LoadedConfig } from '../resources/load.js';

/**
 * The run's Envoy config, read, when the input is one: a single config (a sidecar has one), and no Istio
 * resources beside it (the dump already is what istiod made of them). Null for Istio input. With
 * `everyNote`, what is not modelled of every cluster, listener and route joins `diagnostics` (validate);
 * otherwise a run adds only what its traffic reaches.
 */
export function envoyConfigOf(
  loaded: LoadedConfig,
  diagnostics: Diagnostic[],
  everyNote = false,
): EnvoyDump | null {
  const [first, ...more] = loaded.envoyConfigs;
  if (first === undefined) return null;
  const at = (doc: { file: string; line: number }, message: string) =>
    diagnostics.push({ severity: 'error', file: doc.file, line: doc.line, column: 1, path: '', message });
  for (const doc of more)
    at(doc, `a second Envoy config (the first is ${first.file}:${first.line}): a run simulates one sidecar`);
  const istio = [...loaded.serviceEntries, ...loaded.destinationRules, ...loaded.virtualServices][0];
  if (istio !== undefined) {
    at(
      istio,
      `Istio resources beside an Envoy config (${first.file}): the config already is what istiod made of them; give one or the other`,
    );
  }
  const dump = readEnvoyConfig(first);
  diagnostics.push(...dump.diagnostics);
  if (everyNote) diagnostics.push(...objectNotes(dump));
  return dump;
}

/** The not-modelled notes kept with each object of the config. */
function objectNotes(dump: EnvoyDump): Diagnostic[] {
  const routes = [
    ...dump.routeConfigs,
    ...dump.listeners.flatMap((l) =>
      l.chains.flatMap((c) =>
        c.handler.kind === 'http' && c.handler.inline !== null ? [c.handler.inline] : [],
      ),
    ),
  ];
  return [
    ...dump.clusters.flatMap((c) => c.notModelled),
    ...dump.listeners.flatMap((l) =>
      [...l.chains, ...(l.defaultChain === null ? [] : [l.defaultChain])].flatMap((c) => c.notModelled),
    ),
    ...routes.flatMap((rc) => rc.virtualHosts.flatMap((v) => v.routes.flatMap((r) => r.notModelled))),
  ];
}
