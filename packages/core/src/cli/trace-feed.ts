import type { TraceSink } from '../observe/trace.js';

/**
 * The feed from a traced run to the thread that writes its trace: a ring of records in shared memory,
 * one per event (its fields as numbers, its strings by id), that the run fills and the writer drains.
 * The run pays a few stores per event; formatting and writing happen beside it.
 */

/**
 * Each record: 4 doubles, two to a cache line. [0] packs the kind (4 bits), two flags (2 bits) and the
 * numbers of up to two strings (12 bits each), [1] is tMs, [2] the request or connection id, [3] the
 * status or the worker.
 */
export const SLOT = 4;
/** Slots in the ring (a power of two): 2 MiB, however long the run. */
export const RING_SLOTS = 1 << 16;
/** The run tells the writer how far it has filled every this many slots, and at the end. */
export const PUBLISH_EVERY = 4096;
/** UTF-16 code units a string part carries, in the last three doubles of its slot. */
export const PART_UNITS = 12;
/** Bytes for the writer's error, as JSON: its kind and its one-line message. */
export const ERROR_BYTES = 4096;

/** A record's first double: its kind, flags and strings' numbers. */
export const head = (kind: number, flags: number, first: number, second: number): number =>
  kind + flags * 16 + first * 64 + second * 262_144;
export const kindOf = (head: number): number => head & 15;
export const flagsOf = (head: number): number => (head >> 4) & 3;
export const firstOf = (head: number): number => (head >> 6) & 4095;
export const secondOf = (head: number): number => head >>> 18;

// The Int32 cells of the control block, before the ring.
/** Slots the run has filled, and those the writer has drained (counters that wrap at 2^32). */
export const WRITTEN = 0;
export const READ = 1;
/** 1 while the writer waits for records, or the run for room. */
export const WRITER_WAITS = 2;
export const RUN_WAITS = 3;
/** 1 once the writer has stopped: after the end record, or on an error. */
export const DONE = 4;
/** Bytes of the writer's error as JSON, 0 for none; set before DONE. */
export const ERROR_LENGTH = 5;
export const CONTROL_BYTES = 64;

// A record's kind, in its first double.
export const REQUEST = 1;
export const RESPONSE = 2;
export const ATTEMPT = 3;
export const EJECTION = 4;
export const CONNECTION_OPENED = 5;
export const CONNECTION_CLOSED = 6;
/** A piece of a string (its number first, its count of code units second, flag 1 on its last), from [1] on. */
export const STRING_PART = 7;
/** The numbers given to strings so far are forgotten: the run's table grew past its bound. */
export const STRINGS_RESET = 8;
export const END = 9;

/**
 * Distinct strings the run numbers before it starts afresh: a number has 12 bits and an event adds at
 * most two. A run has a few dozen.
 */
const STRINGS_MAX = 4094;

/** The shared memory of one feed: control block, ring, error. */
export function feedMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + RING_SLOTS * SLOT * 8 + ERROR_BYTES);
}

/**
 * The run's side: a TraceSink that writes each event into the ring. When the ring is full it waits for
 * the writer (so memory stays bounded, and a slow reader of `--trace -` holds the run back); when the
 * writer has stopped on an error, the next hand-over throws it.
 */
export class TraceFeed implements TraceSink {
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  private readonly units: Uint16Array;
  private written = 0;
  private published = 0;
  /** Where the writer was when last looked at: the run needs to look again only when that seems full. */
  private read = 0;
  private readonly ids = new Map<string, number>();
  /** The last cluster and flags numbered: most events name the same as the one before. */
  private lastCluster: string | null = null;
  private lastClusterId = 0;
  private lastFlags: string | null = null;
  private lastFlagsId = 0;

  constructor(
    memory: SharedArrayBuffer,
    /** Called when the writer has stopped early, to throw its error. */
    private readonly failed: () => never,
  ) {
    this.control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
    this.slots = new Float64Array(memory, CONTROL_BYTES, RING_SLOTS * SLOT);
    this.units = new Uint16Array(memory, CONTROL_BYTES, RING_SLOTS * SLOT * 4);
  }

  request(tMs: number, request: number): void {
    const i = this.slot();
    const { slots } = this;
    slots[i] = REQUEST;
    slots[i + 1] = tMs;
    slots[i + 2] = request;
  }

  response(tMs: number, request: number, status: number, flags: string): void {
    this.boundStrings();
    const flagsId = flags === this.lastFlags ? this.lastFlagsId : this.flagsId(flags);
    const i = this.slot();
    const { slots } = this;
    slots[i] = head(RESPONSE, 0, flagsId, 0);
    slots[i + 1] = tMs;
    slots[i + 2] = request;
    slots[i + 3] = status;
  }

  attempt(
    tMs: number,
    request: number,
    cluster: string,
    host: string,
    panic: boolean,
    originalDst: boolean,
  ): void {
    this.boundStrings();
    const clusterId = cluster === this.lastCluster ? this.lastClusterId : this.clusterId(cluster);
    const hostId = this.id(host);
    const i = this.slot();
    const { slots } = this;
    slots[i] = head(ATTEMPT, (panic ? 1 : 0) + (originalDst ? 2 : 0), clusterId, hostId);
    slots[i + 1] = tMs;
    slots[i + 2] = request;
  }

  ejection(tMs: number, cluster: string, host: string, ejected: boolean): void {
    this.boundStrings();
    const clusterId = cluster === this.lastCluster ? this.lastClusterId : this.clusterId(cluster);
    const hostId = this.id(host);
    const i = this.slot();
    const { slots } = this;
    slots[i] = head(EJECTION, ejected ? 1 : 0, clusterId, hostId);
    slots[i + 1] = tMs;
  }

  connectionOpened(tMs: number, cluster: string, host: string, worker: number, connection: number): void {
    this.boundStrings();
    const clusterId = cluster === this.lastCluster ? this.lastClusterId : this.clusterId(cluster);
    const hostId = this.id(host);
    const i = this.slot();
    const { slots } = this;
    slots[i] = head(CONNECTION_OPENED, 0, clusterId, hostId);
    slots[i + 1] = tMs;
    slots[i + 2] = connection;
    slots[i + 3] = worker;
  }

  connectionClosed(tMs: number, cluster: string, connection: number): void {
    this.boundStrings();
    const clusterId = cluster === this.lastCluster ? this.lastClusterId : this.clusterId(cluster);
    const i = this.slot();
    const { slots } = this;
    slots[i] = head(CONNECTION_CLOSED, 0, clusterId, 0);
    slots[i + 1] = tMs;
    slots[i + 2] = connection;
  }

  /** The end record, and a wait until the writer has written everything (or failed). */
  end(): void {
    this.slots[this.slot()] = END;
    this.publish();
    const { control } = this;
    while (Atomics.load(control, DONE) === 0) Atomics.wait(control, DONE, 0, 1000);
    if (Atomics.load(control, ERROR_LENGTH) !== 0) this.failed();
  }

  /** Whether the writer has stopped (after the end record, or on an error). */
  get stopped(): boolean {
    return Atomics.load(this.control, DONE) !== 0;
  }

  /** Past the bound, strings are numbered afresh; done before an event numbers its strings. */
  private boundStrings(): void {
    if (this.ids.size < STRINGS_MAX) return;
    this.ids.clear();
    this.lastCluster = null;
    this.lastFlags = null;
    this.slots[this.slot()] = STRINGS_RESET;
  }

  private clusterId(cluster: string): number {
    this.lastCluster = cluster;
    this.lastClusterId = this.id(cluster);
    return this.lastClusterId;
  }

  private flagsId(flags: string): number {
    this.lastFlags = flags;
    this.lastFlagsId = this.id(flags);
    return this.lastFlagsId;
  }

  /** The number of `text`, sent to the writer, in parts, the first time. */
  private id(text: string): number {
    let id = this.ids.get(text);
    if (id !== undefined) return id;
    id = this.ids.size;
    this.ids.set(text, id);
    let from = 0;
    do {
      const count = Math.min(PART_UNITS, text.length - from);
      const last = from + count >= text.length ? 1 : 0;
      const i = this.slot();
      this.slots[i] = head(STRING_PART, last, id, count);
      const { units } = this;
      for (let k = 0; k < count; k++) units[(i + 1) * 4 + k] = text.charCodeAt(from + k);
      from += count;
    } while (from < text.length);
    return id;
  }

  /**
   * The index of the next free slot's first double, waiting for room when the ring is full. The
   * slots before it are whole records now, so it is here that they are handed on.
   */
  private slot(): number {
    if (((this.written - this.published) | 0) >= PUBLISH_EVERY) this.publish();
    if (((this.written - this.read) | 0) >= RING_SLOTS) this.waitForRoom();
    const index = (this.written & (RING_SLOTS - 1)) * SLOT;
    this.written = (this.written + 1) | 0;
    return index;
  }

  /** Hands the whole records on; throws the writer's error if it has stopped on one. */
  private publish(): void {
    const { control } = this;
    Atomics.store(control, WRITTEN, this.written);
    this.published = this.written;
    if (Atomics.load(control, WRITER_WAITS) === 1) Atomics.notify(control, WRITTEN);
    if (Atomics.load(control, ERROR_LENGTH) !== 0) this.failed();
  }

  private waitForRoom(): void {
    const { control } = this;
    this.publish();
    for (;;) {
      this.read = Atomics.load(control, READ);
      if (((this.written - this.read) | 0) < RING_SLOTS) return;
      Atomics.store(control, RUN_WAITS, 1);
      if (Atomics.load(control, READ) === this.read) Atomics.wait(control, READ, this.read, 1000);
      Atomics.store(control, RUN_WAITS, 0);
      if (Atomics.load(control, ERROR_LENGTH) !== 0) this.failed();
    }
  }
}
