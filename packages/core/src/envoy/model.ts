import type { ClusterModel } from './cluster.js';
import type { RouteModel } from './route.js';

/** The part of the sidecar's config the simulator runs. */
export interface EnvoyModel {
  clusters: ClusterModel[];
  routes: RouteModel[];
}
