/**
 * A pool's FIFO of pending requests as (request id, attempt tag) pairs in growable rings. Cancelled
 * entries stay until they reach the head, where the pool skips them; `live` counts the rest.
 */
export class PendingQueue {
  private ids = new Int32Array(16);
  private tags = new Float64Array(16);
  private head = 0;
  /** Entries in the ring, cancelled ones included. */
  length = 0;
  /** Entries still waiting. */
  live = 0;

  push(id: number, tag: number): void {
    if (this.length === this.ids.length) this.grow();
    const at = (this.head + this.length) & (this.ids.length - 1);
    this.ids[at] = id;
    this.tags[at] = tag;
    this.length++;
    this.live++;
  }

  peekId(): number {
    return this.ids[this.head]!;
  }

  peekTag(): number {
    return this.tags[this.head]!;
  }

  /** Drops the head entry; the caller decides whether it was live. */
  shift(): void {
    this.head = (this.head + 1) & (this.ids.length - 1);
    this.length--;
  }

  /** One waiting entry was cancelled where it stands. */
  cancelOne(): void {
    this.live--;
  }

  private grow(): void {
    const n = this.ids.length * 2;
    const ids = new Int32Array(n);
    const tags = new Float64Array(n);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & (this.ids.length - 1);
      ids[i] = this.ids[from]!;
      tags[i] = this.tags[from]!;
    }
    this.ids = ids;
    this.tags = tags;
    this.head = 0;
  }
}
