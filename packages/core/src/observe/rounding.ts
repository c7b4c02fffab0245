/** Microsecond precision is what a report needs; it also keeps JSON short. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
