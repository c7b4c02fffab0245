export type { ConsistentHashKey, SlowStartConfig } from '../../envoy/load-balancing.js';
export { EdfHostPicker } from './edf-host-picker.js';
export { EdfScheduler, type EntryWeight } from './edf-scheduler.js';
export { envoyAddressString, type HostPicker, hostWeightsAreEqual } from './host-picker.js';
export { type LeastRequestConfig, LeastRequestPicker } from './least-request-picker.js';
export {
  DEFAULT_MAGLEV_TABLE_SIZE,
  MAX_MAGLEV_TABLE_SIZE,
  type MaglevConfig,
  MaglevPicker,
} from './maglev.js';
export { RandomPicker } from './random-picker.js';
export {
  cookieValue,
  type HashableRequest,
  queryParameter,
  RequestHasher,
  type SocketAddress,
} from './request-hash.js';
export {
  DEFAULT_MAXIMUM_RING_SIZE,
  DEFAULT_MINIMUM_RING_SIZE,
  type RingHashConfig,
  RingHashPicker,
} from './ring-hash.js';
export { RoundRobinPicker } from './round-robin-picker.js';
export { HostWarmupClock, SlowStart } from './slow-start.js';
export {
  compareUint64,
  modUint64,
  type RequestHash,
  randomUint32,
  randomUint64,
  setUint64,
  type Uint64,
  uint64,
  uint64ToBigInt,
} from './uint64.js';
export { xxHash64, xxHash64Into, xxHash64OfAllInto } from './xxhash64.js';
