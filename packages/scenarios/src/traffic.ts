import type { TrafficSourceInput } from '@meshsim/core';

/** Builders for the Scenario's `traffic` entries; each returns the YAML's own shape. */
export const traffic = {
  /** Open-loop Poisson arrivals at a mean of `rps` requests per second. */
  poisson(options: {
    host: string;
    rps: number;
    port?: number;
    path?: string;
    method?: string;
    headers?: Record<string, string>;
  }): TrafficSourceInput {
    return { ...options };
  },
};
