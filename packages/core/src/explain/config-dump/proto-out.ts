/** Writing Envoy's configuration as protobuf's JSON mapping writes it (what the admin /config_dump prints). */

export const TYPE_PREFIX = 'type.googleapis.com/';

/** A google.protobuf.Duration: `"0.25s"`, `"10s"`, exact to the nanosecond. */
export function seconds(ms: number): string {
  const text = (ms / 1000).toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return `${text}s`;
}

/** A value with its `@type`, as an Any. */
export const typed = (type: string, body: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@type': `${TYPE_PREFIX}${type}`,
  ...body,
});

/** A percentage as a FractionalPercent over a million, the precision Istio writes. */
export const fractionalPercent = (pct: number) => ({
  numerator: Math.round(pct * 10_000),
  denominator: 'MILLION',
});

/** Only the fields that are set: protobuf's JSON leaves out what is unset. */
export function present(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
