/**
 * A server's worker slots (the Scenario's `concurrency`) in front of a FIFO waiting room (`queue.size`).
 * First come, first served over `concurrency` slots: each arrival takes the slot that frees first
 * (Kiefer–Wolfowitz), so waits are known on arrival and need no events of their own.
 */
export class ServerCapacity {
  /** When each busy slot frees, after all work already assigned to it: a binary min-heap. */
  private readonly busy: number[] = [];
  /** Start times of requests still waiting, in order (FCFS makes them non-decreasing). */
  private readonly waiting: number[] = [];
  private waitingHead = 0;

  constructor(
    readonly concurrency: number,
    /** Requests that may wait; Infinity when the Scenario sets no `queue`. */
    readonly queueSize: number,
  ) {}

  /** Requests waiting for a slot at `nowMs` (call `admit` times in order). */
  waitingAt(nowMs: number): number {
    while (this.waitingHead < this.waiting.length && this.waiting[this.waitingHead]! <= nowMs)
      this.waitingHead++;
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
    return this.waiting.length - this.waitingHead;
  }

  /** Takes a request arriving at `arrivalMs` that needs `serviceMs`: its wait in ms, or -1 when the room is full. */
  admit(arrivalMs: number, serviceMs: number): number {
    while (this.busy.length > 0 && this.busy[0]! <= arrivalMs) this.popMin();
    if (this.busy.length < this.concurrency) {
      this.push(arrivalMs + serviceMs);
      return 0;
    }
    if (this.waitingAt(arrivalMs) >= this.queueSize) return -1;
    const startMs = this.popMin();
    this.push(startMs + serviceMs);
    this.waiting.push(startMs);
    return startMs - arrivalMs;
  }

  private push(freeAtMs: number): void {
    const h = this.busy;
    let i = h.length;
    h.push(freeAtMs);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= freeAtMs) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = freeAtMs;
  }

  private popMin(): number {
    const h = this.busy;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
