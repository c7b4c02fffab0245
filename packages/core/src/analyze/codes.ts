import type { FindingLevel } from './finding.js';

/** Every code `meshsim analyze` reports, its level and title; docs/analyze.md has a section per code. */
export const CODES = {
  MSH0001: { level: 'Error', title: 'outlier detection can never eject a host' },
  MSH0002: { level: 'Warning', title: 'maxEjectionPercent: 0 means Envoy’s default 10 %' },
  MSH0003: { level: 'Error', title: 'HTTP retries, timeouts or faults on a tcp-proxied port never run' },
  MSH0004: { level: 'Warning', title: 'perTryTimeout at or beyond the route timeout never fires' },
  MSH0005: { level: 'Warning', title: 'minHealthPercent puts the cluster in panic, which hides ejections' },
  MSH0006: { level: 'Warning', title: 'circuit breakers answer UO at modest load' },
  MSH0007: { level: 'Error', title: 'DNS_ROUND_ROBIN with outlier detection ejects the only host' },
  MSH0008: { level: 'Error', title: 'locality failover is ignored without outlier detection' },
  MSH0009: { level: 'Warning', title: 'retryOn does not retry what outlier detection counts' },
  MSH0010: { level: 'Warning', title: 'traffic does not follow a DNS change' },
} as const satisfies Record<string, { level: FindingLevel; title: string }>;

export type FindingCode = keyof typeof CODES;

/** Where a code is documented, relative to the repository. */
export const docsFor = (code: FindingCode): string => `docs/analyze.md#${code.toLowerCase()}`;
