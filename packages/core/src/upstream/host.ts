import type { EndpointServer } from '../world/endpoint-server.js';
import type { ConnectionPool } from './connection-pool.js';

/** One upstream host of a cluster: an address:port with its metadata and per-worker pools. */
export class Host {
  /** Requests active on this host, summed over workers (what LEAST_REQUEST compares). */
  rqActive = 0;
  rqTotal = 0;
  rqError = 0;
  /** Envoy's FAILED_OUTLIER_CHECK health flag: out of the healthy set until unejected. */
  ejected = false;
  /** One HTTP/1.1 pool per worker; filled by the cluster. */
  readonly pools: ConnectionPool[] = [];

  constructor(
    readonly index: number,
    readonly address: string,
    readonly port: number,
    readonly locality: string,
    readonly priority: number,
    readonly weight: number,
    readonly labels: Readonly<Record<string, string>>,
    readonly server: EndpointServer,
  ) {}

  get hostPort(): string {
    return `${this.address}:${this.port}`;
  }
}
