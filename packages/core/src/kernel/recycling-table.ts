/** Objects the kernel's events name by integer id, recycled so a warm run allocates none. */
export interface Recyclable {
  readonly id: number;
  /** Clears the object's state before it is handed out again. */
  reset(): void;
}

/** Hands out objects by id from a free list; `create` runs only when the table grows. */
export class RecyclingTable<T extends Recyclable> {
  private readonly items: T[] = [];
  private readonly free: number[] = [];

  constructor(private readonly create: (id: number) => T) {}

  get(id: number): T {
    return this.items[id]!;
  }

  allocate(): T {
    const id = this.free.pop();
    if (id !== undefined) return this.items[id]!;
    const item = this.create(this.items.length);
    this.items.push(item);
    return item;
  }

  /** Every object ever made, in use or free: for rare sweeps, never on the hot path. */
  all(): readonly T[] {
    return this.items;
  }

  release(item: T): void {
    item.reset();
    this.free.push(item.id);
  }
}
