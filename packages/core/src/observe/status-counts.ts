/** Statuses counted in a flat array (0 and every HTTP status); anything else goes to a map. */
const SLOTS = 1000;

/** Counts per status: an increment per request on the hot path, sorted pairs for the report. */
export class StatusCounts {
  private readonly counts = new Float64Array(SLOTS);
  private readonly others = new Map<number, number>();

  add(status: number): void {
    if (status >= 0 && status < SLOTS && Number.isInteger(status)) this.counts[status]!++;
    else this.others.set(status, (this.others.get(status) ?? 0) + 1);
  }

  /** [status, count] for every status seen, in ascending status order. */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [...this.others];
    this.counts.forEach((n, status) => {
      if (n > 0) out.push([status, n]);
    });
    return out.sort((a, b) => a[0] - b[0]);
  }
}
