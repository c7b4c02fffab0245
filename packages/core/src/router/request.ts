import type { Connection } from '../upstream/connection-pool.js';
import type { Host } from '../upstream/host.js';

/** One application request as the router tracks it; recycled through a free list. */
export class ClientRequest {
  arrivalMs = 0;
  cluster = -1;
  worker = 0;
  host: Host | null = null;
  connection: Connection | null = null;
  /** Status of the current attempt's response. */
  status = 0;
  constructor(readonly id: number) {}
}

/** Requests by id, so events carry an integer and the hot path allocates nothing once warm. */
export class RequestTable {
  private readonly all: ClientRequest[] = [];
  private readonly free: number[] = [];

  get(id: number): ClientRequest {
    return this.all[id]!;
  }

  allocate(): ClientRequest {
    const id = this.free.pop();
    if (id !== undefined) return this.all[id]!;
    const req = new ClientRequest(this.all.length);
    this.all.push(req);
    return req;
  }

  release(req: ClientRequest): void {
    req.host = null;
    req.connection = null;
    req.cluster = -1;
    this.free.push(req.id);
  }
}
