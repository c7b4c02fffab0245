import { formatDurationMs } from '../resources/durations.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

/** The timeline never holds more points than this, whatever the run's length (see `timelineBucketFor`). */
export const MAX_TIMELINE_POINTS = 20_000;

/**
 * The bucket a run of `spanMs` gets: the requested one, or the smallest 1-2-5 multiple of it that keeps
 * the timeline within `maxPoints`, so a day-long run holds a bounded number of points.
 */
export function timelineBucketFor(
  requestedMs: number,
  spanMs: number,
  maxPoints = MAX_TIMELINE_POINTS,
): number {
  const steps = [1, 2, 5];
  for (let decade = 1; ; decade *= 10) {
    for (const step of steps) {
      const bucketMs = requestedMs * step * decade;
      if (Math.ceil(spanMs / bucketMs) <= maxPoints) return bucketMs;
    }
  }
}

/** The bucket of a run that spans `spanMs`, with a warning at report.timelineBucket when it had to widen. */
export function planTimelineBucket(spec: ScenarioSpec, spanMs: number, at: ScenarioReporter): number {
  // A day of 1 s buckets would be 86,400 points: the bucket widens to keep the timeline bounded.
  const requestedBucketMs = spec.report.timelineBucket.ms;
  const timelineBucketMs = timelineBucketFor(requestedBucketMs, spanMs);
  if (timelineBucketMs !== requestedBucketMs) {
    at(
      ['report', 'timelineBucket'],
      'warning',
      `${spec.report.timelineBucket.text} buckets over ${spec.duration.text} would exceed ${MAX_TIMELINE_POINTS} timeline points; the timeline uses ${formatDurationMs(timelineBucketMs)} buckets`,
    );
  }
  return timelineBucketMs;
}
