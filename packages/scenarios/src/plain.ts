// The builders return plain data in the YAML's shape; these keep it plain.

/** `fields` without its undefined entries, so a builder emits only what it was given. */
export function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * Adds `method` to `data` as a non-enumerable property: invisible to `Object.keys`, spreading,
 * JSON, YAML and the schema, so the object stays exactly the YAML's shape.
 */
export function withHiddenMethod<T extends object, K extends string, F extends (...args: never[]) => unknown>(
  data: T,
  name: K,
  method: F,
): T & Record<K, F> {
  Object.defineProperty(data, name, { value: method, enumerable: false });
  return data as T & Record<K, F>;
}
