import { isIP } from 'node:net';

/** One name's answers as the Scenario's `dns.<host>` writes them. */
export interface DnsRecordSet {
  answers: readonly string[];
  /** The records' TTL in ms; null when they carry none. */
  ttlMs: number | null;
  /** Rotate the answer order on every query, as round-robin DNS servers do. */
  rotate: boolean;
}

/** The answer to one query: the addresses in order and their TTL, or a failure. */
export type DnsAnswer =
  | { ok: true; addresses: readonly string[]; ttlMs: number | null }
  | { ok: false; reason: 'NXDOMAIN' };

/**
 * The scenario's resolver. An IP literal answers itself; a name without an entry is NXDOMAIN; a
 * rotating name moves its first answer to the back after every query.
 */
export class SyntheticDns {
  private readonly records = new Map<string, { answers: string[]; ttlMs: number | null; rotate: boolean }>();

  constructor(records: Readonly<Record<string, DnsRecordSet>>) {
    for (const [name, r] of Object.entries(records)) {
      this.records.set(name, { answers: [...r.answers], ttlMs: r.ttlMs, rotate: r.rotate });
    }
  }

  /** The timeline changed a name's records: the next query sees them. */
  patch(
    name: string,
    change: { answers?: readonly string[]; ttlMs?: number | null; rotate?: boolean },
  ): void {
    const r = this.records.get(name) ?? { answers: [], ttlMs: null, rotate: false };
    if (change.answers !== undefined) r.answers = [...change.answers];
    if (change.ttlMs !== undefined) r.ttlMs = change.ttlMs;
    if (change.rotate !== undefined) r.rotate = change.rotate;
    this.records.set(name, r);
  }

  query(name: string): DnsAnswer {
    if (isIP(name) !== 0) return { ok: true, addresses: [name], ttlMs: null };
    const r = this.records.get(name);
    if (r === undefined) return { ok: false, reason: 'NXDOMAIN' };
    const addresses = [...r.answers];
    if (r.rotate && r.answers.length > 1) r.answers.push(r.answers.shift()!);
    return { ok: true, addresses, ttlMs: r.ttlMs };
  }
}
