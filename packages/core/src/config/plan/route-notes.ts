import type { Diagnostic } from '../resources/diagnostics.js';
import type { Located } from '../resources/load.js';
import { formatPath } from '../resources/positions.js';
import type { VirtualService } from '../resources/schema/virtual-service.js';
import type { RouteNote } from '../translate/http-routes.js';

/** Route notes as warnings, once per field however many request shapes (sources, mix entries) take the route. */
export function routeNotesInto(diagnostics: Diagnostic[]): RouteNote {
  return (vs, path, message) => {
    const { line, column } = vs.positionOf(path);
    const d: Diagnostic = {
      severity: 'warning',
      file: vs.file,
      line,
      column,
      path: formatPath(path),
      message,
    };
    if (!diagnostics.some((x) => x.file === d.file && x.path === d.path && x.message === d.message)) {
      diagnostics.push(d);
    }
  };
}

/** Warns once about each VirtualService another one for the same host shadows (IST0109). */
export function warnIgnoredVirtualServices(
  ignored: ReadonlyArray<{ vs: Located<VirtualService>; reason: string }>,
  diagnostics: Diagnostic[],
): void {
  for (const { vs, reason } of ignored) {
    const { line, column } = vs.positionOf(['spec', 'hosts']);
    if (!diagnostics.some((d) => d.file === vs.file && d.line === line && d.message === reason)) {
      diagnostics.push({
        severity: 'warning',
        file: vs.file,
        line,
        column,
        path: 'spec.hosts',
        message: reason,
      });
    }
  }
}
