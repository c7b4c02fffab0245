// `import '@meshsim/scenarios/vitest'` (in a test file or a vitest setup file) adds meshsim's matchers
// to vitest's `expect`: expect(report).toHaveErrorRateBelow(0.01), expect(report).toEject('192.0.2.20', { within: '1m' }).
import { expect } from 'vitest';
import { type MeshsimMatchers, meshsimMatchers } from './matchers.js';

export {
  type DurationInput,
  type LatencyStat,
  type MatcherResult,
  type MeshsimMatchers,
  meshsimMatchers,
} from './matchers.js';

expect.extend(meshsimMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers<T = any>; the augmentation must match
  interface Matchers<T = any> extends MeshsimMatchers<T> {}
}
