import type { Host } from './host.js';

/**
 * A worker's thread-local balancing algorithm over one host source: the usable hosts of the priority
 * the cluster chose. `source` names that list (priority × panic), for algorithms that keep state per list.
 */
export interface LoadBalancer {
  chooseHost(hosts: readonly Host[], source: number): Host | null;
}
