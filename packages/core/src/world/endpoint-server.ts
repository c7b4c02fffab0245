import type { Distribution } from '../kernel/distributions.js';
import type { Rng } from '../kernel/random-streams.js';
import { ServerCapacity } from './server-capacity.js';

/** How the endpoint answers a connection attempt (the Scenario's `connect`). */
export type ConnectOutcome = 'ok' | 'refuse' | 'blackhole' | 'tlsError';

/** How a served stream ends: a whole answer, refused (RST_STREAM REFUSED_STREAM), or reset after its headers. */
export const StreamEnd = { Complete: 0, Refused: 1, ResetAfterHeaders: 2 } as const;
export type StreamEnd = (typeof StreamEnd)[keyof typeof StreamEnd];

/** One independent failure mode of an endpoint: answer `status` to a share `rate` of requests. */
export interface ErrorRate {
  status: number;
  rate: number;
  /** The grpc-status code the answer carries; absent: none. */
  grpcStatus?: number;
  /** The grpc-status comes in trailers, after headers and data (else in the only header block). */
  inTrailers?: boolean;
  /** The stream ends in a reset instead of a whole answer; absent: Complete. */
  reset?: StreamEnd;
  /** The answer carries x-envoy-ratelimited, as an upstream Envoy's rate limiting adds it. */
  envoyRateLimited?: boolean;
}

/**
 * The certificate a server presents in a TLS handshake: its subject alternative names, the CA that signed
 * it (by name), and its validity in run time (ms from the start; -Infinity/Infinity when unbounded).
 */
export interface ServerCertificate {
  subjectAltNames: readonly string[];
  issuer: string;
  notBeforeMs: number;
  notAfterMs: number;
}

/** How a synthetic upstream endpoint behaves (the Scenario's `endpoints.<address>`). */
export interface EndpointBehaviour {
  /** Server time per request, in ms. */
  latency: Distribution;
  errors: readonly ErrorRate[];
  /** Round trip between the sidecar and this endpoint, in ms. */
  rttMs: number;
  /** How a connection attempt ends: accepted, refused (RST), or never answered. */
  connect: ConnectOutcome;
  /** Share of requests whose connection the server closes instead of answering. */
  resetRate: number;
  /** A token bucket in front of the server: `rps` tokens a second, at most `burst`; empty → `status`. */
  rateLimit?: { rps: number; burst: number; status: number; envoyRateLimited?: boolean } | undefined;
  /** The newest TLS version the server speaks: Istio offers 1.2–1.3, so a 1.2 server costs one more round trip. Absent: 1.3. */
  tlsMaxVersion?: '1.2' | '1.3' | undefined;
  /** Worker slots and a waiting room; a full room answers `status` at once. Absent: unlimited. */
  capacity?: { concurrency: number; queueSize: number; status: number } | undefined;
  /** The server closes a keep-alive connection idle this long, in ms; 0 = never. */
  idleTimeoutMs: number;
  /** What it presents to a TLS handshake the sidecar originates; absent: every handshake succeeds. */
  certificate?: ServerCertificate | undefined;
}

/**
 * The far side of the wire: draws each request's outcome and server time from the endpoint's own stream.
 */
export class EndpointServer {
  /** Status of the last request served; 0 when the server closed the connection instead (a reset). */
  lastStatus = 200;
  /** The grpc-status code of the last answer, -1 for none; and whether it came in trailers. */
  lastGrpcStatus = -1;
  lastGrpcInTrailers = false;
  /** How the last served stream ended, and whether its answer carried x-envoy-ratelimited. */
  lastStreamEnd: StreamEnd = StreamEnd.Complete;
  lastEnvoyRateLimited = false;
  private cumulative = new Float64Array(0);
  private statuses = new Int32Array(0);
  /** Per failure mode: its grpc-status (-1 none), and 1 when that comes in trailers. */
  private grpcStatuses = new Int8Array(0);
  private grpcInTrailers = new Uint8Array(0);
  /** Per failure mode: its StreamEnd, and 1 when its answer carries x-envoy-ratelimited. */
  private streamEnds = new Uint8Array(0);
  private envoyRateLimited = new Uint8Array(0);
  /** The rate limiter's bucket and when it was last topped up. */
  private tokens = 0;
  /** The worker slots and waiting room, when the endpoint has `concurrency`. */
  private slots: ServerCapacity | null = null;
  private refilledAtMs = 0;

  constructor(
    readonly address: string,
    public behaviour: EndpointBehaviour,
    private readonly rng: Rng,
  ) {
    this.tokens = behaviour.rateLimit?.burst ?? 0;
    this.slots = slotsFor(behaviour.capacity);
    this.apply(behaviour);
  }

  /** The timeline changed the endpoint: new requests and connections meet the new behaviour. */
  apply(behaviour: EndpointBehaviour): void {
    // A new limiter starts full; the same one keeps its bucket.
    if (behaviour.rateLimit !== undefined && behaviour.rateLimit !== this.behaviour.rateLimit) {
      this.tokens = behaviour.rateLimit.burst;
    }
    // Changed capacity resizes the slots it has (work already admitted keeps its times); a server that
    // had none starts its slots empty, since it never tracked what it was serving.
    const capacity = behaviour.capacity;
    if (capacity === undefined) this.slots = null;
    else if (this.slots === null) this.slots = slotsFor(capacity);
    else this.slots.resize(capacity.concurrency, capacity.queueSize);
    this.behaviour = behaviour;
    this.cumulative = new Float64Array(behaviour.errors.length);
    this.statuses = new Int32Array(behaviour.errors.length);
    this.grpcStatuses = new Int8Array(behaviour.errors.length);
    this.grpcInTrailers = new Uint8Array(behaviour.errors.length);
    this.streamEnds = new Uint8Array(behaviour.errors.length);
    this.envoyRateLimited = new Uint8Array(behaviour.errors.length);
    let sum = 0;
    behaviour.errors.forEach((e, i) => {
      sum += e.rate;
      this.cumulative[i] = sum;
      this.statuses[i] = e.status;
      this.grpcStatuses[i] = e.grpcStatus ?? -1;
      this.grpcInTrailers[i] = e.inTrailers === true ? 1 : 0;
      this.streamEnds[i] = e.reset ?? StreamEnd.Complete;
      this.envoyRateLimited[i] = e.envoyRateLimited === true ? 1 : 0;
    });
    if (sum > 1 + 1e-12) throw new RangeError(`endpoint ${this.address}: error rates add up to ${sum} > 1`);
  }

  get rttMs(): number {
    return this.behaviour.rttMs;
  }

  get connectOutcome(): ConnectOutcome {
    return this.behaviour.connect;
  }

  get idleTimeoutMs(): number {
    return this.behaviour.idleTimeoutMs;
  }

  /**
   * A connection goes idle as its last byte from the server reaches the sidecar at `idleFromMs`: when the
   * server's FIN for that idle period arrives there (`idleTimeout` later), or Infinity if it never closes.
   */
  finArrivalMs(idleFromMs: number): number {
    const idleMs = this.behaviour.idleTimeoutMs;
    return idleMs > 0 ? idleFromMs + idleMs : Number.POSITIVE_INFINITY;
  }

  /** The keep-alive race: a request sent at `sentMs` reaches the server after its FIN (arriving at `finMs`) left. */
  closedBefore(sentMs: number, finMs: number): boolean {
    return sentMs >= finMs - this.rttMs;
  }

  get certificate(): ServerCertificate | undefined {
    return this.behaviour.certificate;
  }

  get tlsMaxVersion(): '1.2' | '1.3' {
    return this.behaviour.tlsMaxVersion ?? '1.3';
  }

  /**
   * Serves one request: returns the server time in ms and leaves the status in `lastStatus`. Always
   * three draws (status, reset, latency), so a policy change never shifts the endpoint's later draws.
   */
  serve(arrivalMs: number): number {
    const u = this.rng();
    const reset = this.rng() < this.behaviour.resetRate;
    let mode = -1;
    for (let i = 0; i < this.cumulative.length; i++) {
      if (u < this.cumulative[i]!) {
        mode = i;
        break;
      }
    }
    let status = mode < 0 ? 200 : this.statuses[mode]!;
    this.lastGrpcStatus = mode < 0 ? -1 : this.grpcStatuses[mode]!;
    this.lastGrpcInTrailers = mode >= 0 && this.grpcInTrailers[mode] === 1;
    this.lastStreamEnd = mode < 0 ? StreamEnd.Complete : (this.streamEnds[mode]! as StreamEnd);
    this.lastEnvoyRateLimited = mode >= 0 && this.envoyRateLimited[mode] === 1;
    const serviceMs = this.behaviour.latency.sample(this.rng);
    // The HTTP/2 layer refuses the stream before the application sees it: no token, no slot, no time.
    if (this.lastStreamEnd === StreamEnd.Refused) {
      this.lastStatus = reset ? 0 : 503;
      return 0;
    }
    const limit = this.behaviour.rateLimit;
    const limited = limit !== undefined && !this.takeToken(limit, arrivalMs);
    if (limited) {
      status = limit.status;
      this.clearMode();
      this.lastEnvoyRateLimited = limit.envoyRateLimited === true;
    }
    // The limiter answers before the server: a limited request takes no slot.
    if (this.slots !== null && !limited) {
      const waitMs = this.slots.admit(arrivalMs, serviceMs);
      if (waitMs < 0) {
        this.lastStatus = this.behaviour.capacity!.status;
        this.clearMode();
        return 0;
      }
      this.lastStatus = reset ? 0 : status;
      return waitMs + serviceMs;
    }
    this.lastStatus = reset ? 0 : status;
    return serviceMs;
  }

  /** The answer came from the limiter or the waiting room, not from the drawn failure mode. */
  private clearMode(): void {
    this.lastGrpcStatus = -1;
    this.lastStreamEnd = StreamEnd.Complete;
    this.lastEnvoyRateLimited = false;
  }

  /** Tops the bucket up for the time since the last request, then takes a token if there is one. */
  private takeToken(limit: { rps: number; burst: number }, nowMs: number): boolean {
    this.tokens = Math.min(limit.burst, this.tokens + ((nowMs - this.refilledAtMs) * limit.rps) / 1000);
    this.refilledAtMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function slotsFor(capacity: EndpointBehaviour['capacity']): ServerCapacity | null {
  return capacity === undefined ? null : new ServerCapacity(capacity.concurrency, capacity.queueSize);
}
