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

  reset(): void {
    this.host = null;
    this.connection = null;
    this.cluster = -1;
  }
}
