export { endpoint, type LatencyInput } from './endpoint.js';
export { traffic } from './traffic.js';
