import type { DnsEntryInput } from '@meshsim/core';
import { defined } from './plain.js';

/** Builders for the Scenario's `dns.<host>` entries: what the synthetic resolver answers. */
export const dns = {
  /**
   * `answers` (IP addresses, in order), valid for `ttl` (absent: Envoy re-resolves at its refresh
   * rate); `rotate` turns the order on every resolution, as round-robin DNS servers do.
   */
  record(options: { answers: readonly string[]; ttl?: string; rotate?: boolean }): DnsEntryInput {
    const { answers, ttl, rotate } = options;
    return { ...defined({ ttl }), answers: [...answers], ...defined({ rotate }) };
  },
};
