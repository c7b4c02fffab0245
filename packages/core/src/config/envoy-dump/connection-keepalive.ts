import type { z } from 'zod';
import { ENVOY_KEEPALIVE_INTERVAL_JITTER_PCT, type Http2KeepaliveModel } from '../../envoy/http-protocol.js';
import type { FieldPath } from '../resources/positions.js';
import type { DumpContext } from './dump-context.js';
import type { keepaliveSettingsSchema } from './schema/cluster.js';

/**
 * http2_protocol_options.connection_keepalive as the HTTP/2 codec reads it (ConnectionImpl's constructor):
 * interval 0 when unset (no periodic PING), timeout required, interval_jitter 15 % when unset; both
 * durations at least 1 ms (protocol.proto's rules). Undefined when absent or invalid (an error says why).
 */
export function connectionKeepaliveOf(
  ctx: DumpContext,
  keepalive: z.infer<typeof keepaliveSettingsSchema> | undefined,
  path: FieldPath,
): Http2KeepaliveModel | undefined {
  if (keepalive === undefined) return undefined;
  if (keepalive.connection_idle_interval !== undefined)
    ctx.notModelled(
      [...path, 'connection_idle_interval'],
      'a PING before a stream on a connection idle this long; only the periodic PING is simulated',
    );
  let valid = true;
  for (const field of ['interval', 'timeout'] as const) {
    const ms = keepalive[field];
    if (ms !== undefined && ms < 1) {
      ctx.report('error', [...path, field], `must be at least 1ms, got ${ms}ms`);
      valid = false;
    }
  }
  if (keepalive.timeout === undefined) {
    ctx.report('error', [...path, 'timeout'], 'is required when connection_keepalive is set');
    valid = false;
  }
  if (!valid) return undefined;
  return {
    intervalMs: Math.trunc(keepalive.interval ?? 0),
    timeoutMs: Math.trunc(keepalive.timeout!),
    intervalJitterPct: keepalive.interval_jitter?.value ?? ENVOY_KEEPALIVE_INTERVAL_JITTER_PCT,
  };
}
