import type { Host } from './host.js';

/** A worker's thread-local load balancer: picks one host per attempt, or null when none is usable. */
export interface LoadBalancer {
  chooseHost(): Host | null;
}
