/** A growable FIFO ring of integer ids (pending requests): no allocation once it has grown. */
export class IndexQueue {
  private items = new Int32Array(16);
  private head = 0;
  length = 0;

  push(id: number): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) & (this.items.length - 1)] = id;
    this.length++;
  }

  /** Removes and returns the oldest id; the caller checks `length` first. */
  shift(): number {
    const id = this.items[this.head]!;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return id;
  }

  private grow(): void {
    const next = new Int32Array(this.items.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)]!;
    this.items = next;
    this.head = 0;
  }
}
