import { isIP } from 'node:net';

/** One name's answers as the Scenario's `dns.<host>` writes them. */
export interface DnsRecordSet {
  answers: readonly string[];
  /** The records' TTL in ms; null when they carry none. */
  ttlMs: number | null;
  /** Rotate the answer order on every query, as round-robin DNS servers do. */
  rotate: boolean;
  /** Every query fails this way; `none` answers. */
  failure: 'none' | 'NXDOMAIN' | 'SERVFAIL' | 'timeout';
}

/** How long a query waits before giving up when the server does not answer (c-ares' default). */
export const DNS_QUERY_TIMEOUT_MS = 5_000;

/** The answer to one query: the addresses in order and their TTL, or a failure. */
export type DnsAnswer =
  | { ok: true; addresses: readonly string[]; ttlMs: number | null }
  | { ok: false; reason: 'NXDOMAIN' | 'SERVFAIL' | 'timeout'; afterMs: number };

/**
 * The scenario's resolver. An IP literal answers itself; a name without an entry is NXDOMAIN; a
 * rotating name moves its first answer to the back after every query.
 */
export class SyntheticDns {
  private readonly records = new Map<
    string,
    { answers: string[]; ttlMs: number | null; rotate: boolean; failure: DnsRecordSet['failure'] }
  >();

  constructor(records: Readonly<Record<string, DnsRecordSet>>) {
    for (const [name, r] of Object.entries(records)) {
      this.records.set(name, {
        answers: [...r.answers],
        ttlMs: r.ttlMs,
        rotate: r.rotate,
        failure: r.failure,
      });
    }
  }

  /** The timeline changed a name's records: the next query sees them. */
  patch(
    name: string,
    change: {
      answers?: readonly string[];
      ttlMs?: number | null;
      rotate?: boolean;
      failure?: DnsRecordSet['failure'];
    },
  ): void {
    const r = this.records.get(name) ?? { answers: [], ttlMs: null, rotate: false, failure: 'none' as const };
    if (change.failure !== undefined) r.failure = change.failure;
    if (change.answers !== undefined) r.answers = [...change.answers];
    if (change.ttlMs !== undefined) r.ttlMs = change.ttlMs;
    if (change.rotate !== undefined) r.rotate = change.rotate;
    this.records.set(name, r);
  }

  query(name: string): DnsAnswer {
    if (isIP(name) !== 0) return { ok: true, addresses: [name], ttlMs: null };
    const r = this.records.get(name);
    if (r === undefined) return { ok: false, reason: 'NXDOMAIN', afterMs: 0 };
    if (r.failure !== 'none') {
      return { ok: false, reason: r.failure, afterMs: r.failure === 'timeout' ? DNS_QUERY_TIMEOUT_MS : 0 };
    }
    const addresses = [...r.answers];
    if (r.rotate && r.answers.length > 1) r.answers.push(r.answers.shift()!);
    return { ok: true, addresses, ttlMs: r.ttlMs };
  }
}
