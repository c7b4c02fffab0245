import type { EndpointServer } from '../world/endpoint-server.js';
import type { ConnectionPool } from './connection-pool.js';

/** Where a host finds the synthetic endpoint behind an address. */
export interface ServerDirectory {
  serverFor(address: string): EndpointServer;
}

/**
 * One upstream host of a cluster: an address:port with its metadata and per-worker pools. A
 * LOGICAL_DNS cluster has one logical host whose address is a name; each new connection goes to the
 * first address of the latest answer (`logicalAddresses`).
 */
export class Host {
  /** Requests active on this host, summed over workers (what LEAST_REQUEST compares). */
  rqActive = 0;
  rqTotal = 0;
  rqError = 0;
  /** Tcp-proxied hosts: application requests carried by its sessions (`rqTotal` counts the sessions). */
  appRequests = 0;
  /** …and those that failed: a 5xx, or the connection closed unanswered. */
  appErrors = 0;
  /** Envoy's FAILED_OUTLIER_CHECK health flag: out of the healthy set until unejected. */
  ejected = false;
  /** Removed by a DNS refresh: it drains and is never picked again. */
  removed = false;
  /** One HTTP/1.1 pool per worker; filled by the cluster. */
  readonly pools: ConnectionPool[] = [];
  /** LOGICAL_DNS: the latest answer, and the requests each address received. */
  logicalAddresses: readonly string[] | null = null;
  readonly requestsByAddress: Map<string, number> | null;
  /** `[address]`, made once: every connection of a non-logical host targets it, so none allocates a list. */
  private readonly ownTargets: readonly string[];
  /** `address:port`, made once: each traced attempt and connection names it. */
  readonly hostPort: string;

  constructor(
    readonly index: number,
    readonly address: string,
    readonly port: number,
    readonly locality: string,
    readonly priority: number,
    readonly weight: number,
    readonly labels: Readonly<Record<string, string>>,
    private readonly directory: ServerDirectory,
    logical = false,
  ) {
    this.requestsByAddress = logical ? new Map() : null;
    this.ownTargets = [address];
    this.hostPort = `${address}:${port}`;
  }

  /** The endpoint a connection opened now reaches: the host's own, or a logical host's current answers. */
  connectTargets(): readonly string[] {
    return this.logicalAddresses ?? this.ownTargets;
  }

  serverFor(address: string): EndpointServer {
    return this.directory.serverFor(address);
  }

  get server(): EndpointServer {
    return this.directory.serverFor(this.connectTargets()[0] ?? this.address);
  }
}
