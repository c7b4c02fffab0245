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
