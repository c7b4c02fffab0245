import { writeDigits, writeNumberText } from './number-text.js';
import type { TraceSink } from './trace.js';

/** Bytes gathered before each write: few system calls, and memory bounded however long the run. */
export const TRACE_CHUNK_BYTES = 64 * 1024;
/** Room past a chunk for the line that ends it: a line with strings of up to 3.8 KiB needs no new buffer. */
const LINE_ROOM = 4 * 1024;
/** A line's bytes besides its strings: fixed text under 100 and at most three numbers of ≤ 24 characters. */
const LINE_FIXED_MAX = 256;
/** Line ends kept for distinct cluster, host and flags texts; a run has a few dozen, a DNS churn more. */
const CACHED_MAX = 4096;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** A string as JSON.stringify writes it (quotes, escapes), in UTF-8. */
const quoted = (text: string): string => JSON.stringify(text);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

// The fixed text of each line, in the order JSON.stringify writes a TraceEvent's fields.
const REQUEST = ascii('{"type":"request","tMs":');
const RESPONSE = ascii('{"type":"response","tMs":');
const ATTEMPT = ascii('{"type":"attempt","tMs":');
const EJECT = ascii('{"type":"eject","tMs":');
const UNEJECT = ascii('{"type":"uneject","tMs":');
const CX_OPEN = ascii('{"type":"cx-open","tMs":');
const CX_CLOSE = ascii('{"type":"cx-close","tMs":');
const REQUEST_FIELD = ascii(',"request":');
const CONNECTION_FIELD = ascii(',"connection":');

/** The text after `tMs` and the request id of an attempt line, by panic (1) and originalDst (2). */
const attemptEnd = (cluster: string, host: string, variant: number): Uint8Array =>
  utf8(
    `,"cluster":${quoted(cluster)},"host":${quoted(host)},"panic":${(variant & 1) !== 0}${
      (variant & 2) !== 0 ? ',"originalDst":true' : ''
    }}\n`,
  );

/** The line ends that name one (cluster, host), made when first needed. */
class HostText {
  /** By panic (1) and originalDst (2). */
  readonly attempt: (Uint8Array | undefined)[] = [undefined, undefined, undefined, undefined];
  /** After `tMs`: an ejection's whole end, a connection's up to its worker. */
  readonly ejection: Uint8Array;
  readonly cxOpen: Uint8Array;

  constructor(cluster: string, host: string) {
    const names = `,"cluster":${quoted(cluster)},"host":${quoted(host)}`;
    this.ejection = utf8(`${names}}\n`);
    this.cxOpen = utf8(`${names},"worker":`);
  }
}

/**
 * Writes each event as one JSON Lines line, byte for byte what `JSON.stringify(event)` and a newline
 * make of the `TraceEvent`, into one reused buffer: no object or string per event. The text around
 * the numbers is made once per cluster, host and flags; the numbers are written digit by digit, each
 * instant's `tMs` once for all its events. Whole lines go to `write` in chunks of about 64 KiB, the
 * rest on `flush`; `write` must use the bytes before it returns, for the buffer is written over next.
 */
export class TraceJsonLines implements TraceSink {
  private buffer: Uint8Array = new Uint8Array(TRACE_CHUNK_BYTES + LINE_ROOM);
  private at = 0;
  /** Line ends by cluster, then host; the last cluster's hosts at hand (a run has few clusters). */
  private readonly hostTexts = new Map<string, Map<string, HostText>>();
  private lastCluster: string | null = null;
  private lastClusterHosts: Map<string, HostText> | null = null;
  /** `,"cluster":"…","connection":` by cluster, and `,"status":…,"flags":"…"}\n` by flags, then status. */
  private readonly cxCloseTexts = new Map<string, Uint8Array>();
  private readonly responseTexts = new Map<string, Map<number, Uint8Array>>();
  private cached = 0;
  /** The last response's status and flags, and its line end: most responses end as the one before. */
  private lastStatus = Number.NaN;
  private lastFlags: string | null = null;
  private lastResponseTail: Uint8Array = new Uint8Array(0);
  /**
   * The last `tMs` written, for the other events at that instant: its text is `tLength` bytes at
   * `tStart` in `tSource` (this buffer; an outgrown one, never written again; or once flushed,
   * `tSaved`), followed there by `,"request":` when `tThenRequest`.
   */
  private lastTMs = Number.NaN;
  private tSource: Uint8Array = this.buffer;
  private tStart = 0;
  private tLength = 0;
  private tThenRequest = false;
  private readonly tSaved = new Uint8Array(64);

  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  request(tMs: number, request: number): void {
    this.start(0);
    this.put(REQUEST);
    this.timeThenRequest(tMs);
    this.int(request);
    this.endObject();
  }

  response(tMs: number, request: number, status: number, flags: string): void {
    let tail = this.lastResponseTail;
    if (status !== this.lastStatus || flags !== this.lastFlags) {
      tail = this.responseTail(status, flags);
      this.lastStatus = status;
      this.lastFlags = flags;
      this.lastResponseTail = tail;
    }
    this.start(tail.length);
    this.put(RESPONSE);
    this.timeThenRequest(tMs);
    this.int(request);
    this.end(tail);
  }

  attempt(
    tMs: number,
    request: number,
    cluster: string,
    host: string,
    panic: boolean,
    originalDst: boolean,
  ): void {
    const texts = this.hostText(cluster, host);
    const variant = (panic ? 1 : 0) + (originalDst ? 2 : 0);
    let tail = texts.attempt[variant];
    if (tail === undefined) {
      tail = attemptEnd(cluster, host, variant);
      texts.attempt[variant] = tail;
    }
    this.start(tail.length);
    this.put(ATTEMPT);
    this.timeThenRequest(tMs);
    this.int(request);
    this.end(tail);
  }

  ejection(tMs: number, cluster: string, host: string, ejected: boolean): void {
    const tail = this.hostText(cluster, host).ejection;
    this.start(tail.length);
    this.put(ejected ? EJECT : UNEJECT);
    this.time(tMs);
    this.end(tail);
  }

  connectionOpened(tMs: number, cluster: string, host: string, worker: number, connection: number): void {
    const names = this.hostText(cluster, host).cxOpen;
    this.start(names.length);
    this.put(CX_OPEN);
    this.time(tMs);
    this.put(names);
    this.int(worker);
    this.put(CONNECTION_FIELD);
    this.int(connection);
    this.endObject();
  }

  connectionClosed(tMs: number, cluster: string, connection: number): void {
    let names = this.cxCloseTexts.get(cluster);
    if (names === undefined) {
      names = utf8(`,"cluster":${quoted(cluster)},"connection":`);
      this.cxCloseTexts.set(cluster, names);
      this.counted();
    }
    this.start(names.length);
    this.put(CX_CLOSE);
    this.time(tMs);
    this.put(names);
    this.int(connection);
    this.endObject();
  }

  /** Hands the whole lines gathered so far to `write`. */
  flush(): void {
    if (this.at === 0) return;
    const length = this.at;
    // Emptied first: a write that throws (a closed pipe) leaves nothing to write again on close.
    this.at = 0;
    if (this.tSource === this.buffer) {
      const saved = this.tLength + (this.tThenRequest ? REQUEST_FIELD.length : 0);
      this.tSaved.set(this.buffer.subarray(this.tStart, this.tStart + saved));
      this.tSource = this.tSaved;
      this.tStart = 0;
    }
    this.write(this.buffer.subarray(0, length));
  }

  private responseTail(status: number, flags: string): Uint8Array {
    let byStatus = this.responseTexts.get(flags);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.responseTexts.set(flags, byStatus);
    }
    let tail = byStatus.get(status);
    if (tail === undefined) {
      tail = utf8(`,"status":${JSON.stringify(status)},"flags":${quoted(flags)}}\n`);
      byStatus.set(status, tail);
      this.counted();
    }
    return tail;
  }

  private hostText(cluster: string, host: string): HostText {
    let hosts = this.lastClusterHosts;
    if (cluster !== this.lastCluster || hosts === null) {
      hosts = this.hostTexts.get(cluster) ?? null;
      if (hosts === null) {
        hosts = new Map();
        this.hostTexts.set(cluster, hosts);
      }
      this.lastCluster = cluster;
      this.lastClusterHosts = hosts;
    }
    let texts = hosts.get(host);
    if (texts === undefined) {
      texts = new HostText(cluster, host);
      hosts.set(host, texts);
      this.counted();
    }
    return texts;
  }

  /** One more cached text; past the bound (names made up as a run goes on), all are made afresh. */
  private counted(): void {
    if (++this.cached <= CACHED_MAX) return;
    this.cached = 0;
    this.hostTexts.clear();
    this.cxCloseTexts.clear();
    this.responseTexts.clear();
    this.lastCluster = null;
    this.lastClusterHosts = null;
  }

  /**
   * Makes room for a line whose strings take `stringBytes`: a line starts below 64 KiB, so only
   * strings of kilobytes need a larger buffer.
   */
  private start(stringBytes: number): void {
    if (stringBytes <= LINE_ROOM - LINE_FIXED_MAX) return;
    const need = this.at + LINE_FIXED_MAX + stringBytes;
    if (need <= this.buffer.length) return;
    const grown = new Uint8Array(need);
    grown.set(this.buffer.subarray(0, this.at));
    this.buffer = grown;
  }

  /** Ends a line with `tail`; a chunk is written at the line that brings it to 64 KiB. */
  private end(tail: Uint8Array): void {
    this.put(tail);
    if (this.at >= TRACE_CHUNK_BYTES) this.flush();
  }

  /** Ends a line with `}` and a newline. */
  private endObject(): void {
    this.buffer[this.at] = 125;
    this.buffer[this.at + 1] = 10;
    this.at += 2;
    if (this.at >= TRACE_CHUNK_BYTES) this.flush();
  }

  /** A copy by `set`: a fixed cost, less than a loop's past a dozen bytes. */
  private put(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** A number as JSON.stringify writes it: an id or a status digit by digit, any other as String does. */
  private int(n: number): void {
    if (n >= 0 && (n | 0) === n) this.at = writeDigits(this.buffer, this.at, n);
    else
      this.at = Number.isFinite(n) ? writeNumberText(this.buffer, this.at, n) : this.textAt(this.at, 'null');
  }

  /** `tMs` then `,"request":`, as the request, attempt and response lines have them. */
  private timeThenRequest(tMs: number): void {
    if (tMs === this.lastTMs && this.tThenRequest) {
      this.copyTime(this.tLength + REQUEST_FIELD.length);
      return;
    }
    this.time(tMs);
    this.put(REQUEST_FIELD);
    this.tThenRequest = true;
  }

  /** `tMs`: each instant's text is made once and copied for the other events at that instant. */
  private time(tMs: number): void {
    const at = this.at;
    // 0 and -0 are equal and both written 0; NaN never equals itself, and is written null each time.
    if (tMs === this.lastTMs) this.copyTime(this.tLength);
    else {
      // JSON.stringify writes a finite number as String does (ECMA-262 SerializeJSONProperty).
      const end = Number.isFinite(tMs) ? writeNumberText(this.buffer, at, tMs) : this.textAt(at, 'null');
      this.lastTMs = tMs;
      this.tLength = end - at;
      this.at = end;
    }
    this.tSource = this.buffer;
    this.tStart = at;
    this.tThenRequest = false;
  }

  /** `length` bytes of the last time's text and what follows it, by a move within the buffer when there. */
  private copyTime(length: number): void {
    const { buffer, tSource, tStart } = this;
    if (tSource === buffer) buffer.copyWithin(this.at, tStart, tStart + length);
    else for (let i = 0; i < length; i++) buffer[this.at + i] = tSource[tStart + i]!;
    this.at += length;
  }

  /** ASCII text at `at`; returns where it ends. */
  private textAt(at: number, text: string): number {
    for (let i = 0; i < text.length; i++) this.buffer[at + i] = text.charCodeAt(i);
    return at + text.length;
  }
}
