import type { TrafficSourceInput } from '@meshsim/core';
import { defined } from './plain.js';

/** One request shape of a weighted mix; unset fields are the source's own. */
export type RouteInput = NonNullable<TrafficSourceInput['routes']>[number];

/** What every source says about its requests: where they go and what they look like. */
export interface RequestOptions {
  host: string;
  /** Absent: the only port of the host's ServiceEntry. */
  port?: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** A weighted mix of requests instead of one shape: `[{ path: '/a', weight: 3 }, { method: 'POST' }]`. */
  routes?: readonly RouteInput[];
  /**
   * false: the application opens a connection per request (default true: keep-alive). It decides load on
   * a tcp-proxied port (HTTPS, TLS, TCP), where the sidecar picks a host per connection.
   */
  keepAlive?: boolean;
}

/** Open loop: requests arrive at a rate, whatever the responses do. */
export interface OpenLoopOptions extends RequestOptions {
  /** Mean requests per second. */
  rps: number;
  /** `poisson` (exponential gaps, the default) or `constant` (one every 1/rps). */
  arrivals?: 'poisson' | 'constant';
}

function request(options: RequestOptions): TrafficSourceInput {
  const { host, port, path, method, headers, routes, keepAlive } = options;
  return {
    host,
    ...defined({
      port,
      path,
      method,
      headers: headers === undefined ? undefined : { ...headers },
      routes: routes?.map((route) => ({ ...route })),
      keepAlive,
    }),
  } as TrafficSourceInput;
}

function openLoop(options: OpenLoopOptions): TrafficSourceInput {
  return { ...request(options), rps: options.rps, ...defined({ arrivals: options.arrivals }) };
}

/**
 * Builders for the Scenario's `traffic` entries; each returns the YAML's own shape with only the
 * fields given. Several hosts in one run: pass several sources.
 */
export const traffic = {
  /** Open-loop Poisson arrivals at a mean of `rps` requests per second. */
  poisson(options: Omit<OpenLoopOptions, 'arrivals'>): TrafficSourceInput {
    return openLoop(options);
  },

  /** Open loop, evenly spaced: one request every 1/`rps` seconds. */
  constant(options: Omit<OpenLoopOptions, 'arrivals'>): TrafficSourceInput {
    return openLoop({ ...options, arrivals: 'constant' });
  },

  /** `rps`, except for `length` out of every `every`, when arrivals come at `burstRps`. */
  bursts(options: OpenLoopOptions & { every: string; length: string; burstRps: number }): TrafficSourceInput {
    const { every, length, burstRps } = options;
    return { ...openLoop(options), bursts: { every, length, rps: burstRps } };
  },

  /** From `from` to `to` requests per second, linearly over `over`, then steady at `to`. */
  ramp(
    options: Omit<OpenLoopOptions, 'rps'> & { from: number; to: number; over: string },
  ): TrafficSourceInput {
    const { from, to, over } = options;
    return { ...openLoop({ ...options, rps: from }), ramp: { to, over } };
  },

  /**
   * A daily swing around `rps`: from rps × (1 − amplitude) to rps × (1 + amplitude), peaking at
   * `peak` into each `period` (defaults, as the YAML: 24h, 0s).
   */
  diurnal(
    options: OpenLoopOptions & { amplitude: number; period?: string; peak?: string },
  ): TrafficSourceInput {
    const { amplitude, period, peak } = options;
    return { ...openLoop(options), diurnal: defined({ period, amplitude, peak }) };
  },

  /** Closed loop: `clients` each send a request, wait for its end, think `thinkTime`, and repeat. */
  closedLoop(options: RequestOptions & { clients: number; thinkTime?: string }): TrafficSourceInput {
    return { ...request(options), clients: options.clients, ...defined({ thinkTime: options.thinkTime }) };
  },
};
