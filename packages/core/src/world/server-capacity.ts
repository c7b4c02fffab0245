/**
 * A server's worker slots (the Scenario's `concurrency`) in front of a FIFO waiting room (`queue.size`).
 * First come, first served over `concurrency` slots: each arrival takes the slot that frees first
 * (Kiefer–Wolfowitz), so waits are known on arrival and need no events of their own.
 *
 * A resize (the timeline) never moves work already admitted: requests in service or waiting keep the
 * start they were given. From c to c' slots, an arrival finding n slots busy (n ≥ c') starts when
 * n − c' + 1 of them have freed, the (n − c' + 1)-th smallest free time: a cut retires the slots that
 * free first, and added slots are free at once (so an arrival may start before requests that were
 * already waiting: their starts were fixed when they came).
 */
export class ServerCapacity {
  /** When each busy slot frees, after all work already assigned to it: a binary min-heap. */
  private readonly busy: number[] = [];
  /** Start times of requests still waiting, in order (FCFS makes them non-decreasing). */
  private readonly waiting: number[] = [];
  private waitingHead = 0;

  constructor(
    private concurrency: number,
    /** Requests that may wait; Infinity when the Scenario sets no `queue`. */
    private queueSize: number,
  ) {}

  /** New slot and waiting-room sizes for arrivals from now on; see the class comment. */
  resize(concurrency: number, queueSize: number): void {
    this.concurrency = concurrency;
    this.queueSize = queueSize;
  }

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
    // Slots beyond a cut concurrency retire as they free, the first to free first.
    while (this.busy.length > this.concurrency) this.popMin();
    const startMs = this.popMin();
    this.push(startMs + serviceMs);
    this.enqueue(startMs);
    return startMs - arrivalMs;
  }

  /** Keeps `waiting` sorted: starts arrive in order except after added slots, which free early. */
  private enqueue(startMs: number): void {
    const w = this.waiting;
    let i = w.length;
    w.push(startMs);
    while (i > this.waitingHead && w[i - 1]! > startMs) {
      w[i] = w[i - 1]!;
      i--;
    }
    w[i] = startMs;
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
