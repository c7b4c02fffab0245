/**
 * A public function of @meshsim/core was called with an argument it cannot take: `undefined` for the
 * spec, a number for a config, an object that is not what an earlier call returned. The message names
 * the function, the argument and what it expected. Input that is the right kind of thing but wrong in
 * its content (a bad field in the YAML or the spec) is a ConfigError instead, with diagnostics.
 */
export class ArgumentError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

const isUint8Array = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** How an unexpected argument is named in a message: its kind, and a glimpse of it. */
export function describeArgument(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (isUint8Array(value)) return `a ${value.constructor.name} of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  const keys = Object.keys(value as object);
  if (keys.length === 0) return '{}';
  const shown = keys.slice(0, 5).join(', ');
  return `an object with ${keys.length > 5 ? `${shown} …` : shown}`;
}

/** Throws an ArgumentError `fn: what must be expected, got …`. */
export function argumentError(where: string, expected: string, value: unknown): never {
  throw new ArgumentError(`${where} must be ${expected}, got ${describeArgument(value)}`);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isUint8Array(v);

/** An optional options argument: absent, or a plain object. */
export function checkOptions(where: string, value: unknown): void {
  if (value !== undefined && !isPlainObject(value)) argumentError(where, 'an object of options', value);
}

/** An optional field of an options object that must be a function. */
export function checkFunction(where: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') argumentError(where, 'a function', value);
}

/** The text of a config: a string, or bytes read without an encoding (decoded as UTF-8). */
function textOf(where: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (isUint8Array(value)) return new TextDecoder('utf-8').decode(value);
  return argumentError(where, 'YAML text (a string, or a Buffer read as UTF-8)', value);
}

const SOURCES_EXPECTED =
  'YAML text (a string or a Buffer), a { file, text } source, or a list of them (e.g. readFileSync(path, "utf8"))';

/**
 * A config as loadConfig and simulate take it, checked and normalized: a string or bytes (decoded as
 * UTF-8), a `{ file, text }` source, or a non-empty list of sources.
 */
export function configSourcesOf(where: string, value: unknown): Array<{ file: string; text: string }> {
  if (typeof value === 'string' || isUint8Array(value))
    return [{ file: '<inline>', text: textOf(where, value) }];
  const list = Array.isArray(value) ? value : [value];
  if (!Array.isArray(value) && !isPlainObject(value)) return argumentError(where, SOURCES_EXPECTED, value);
  return list.map((source, i) => {
    const at = Array.isArray(value) ? `${where}[${i}]` : where;
    if (typeof source === 'string' || isUint8Array(source))
      return { file: '<inline>', text: textOf(at, source) };
    if (!isPlainObject(source)) return argumentError(at, SOURCES_EXPECTED, source);
    if (typeof source.file !== 'string')
      return argumentError(`${at}.file`, 'a file name (a string)', source.file);
    return { file: source.file, text: textOf(`${at}.text`, source.text) };
  });
}

/** How deep a patch or a value given in code may nest, as YAML documents may. */
export const MAX_VALUE_DEPTH = 200;
/** The most values a checked argument may hold, shared ones counted each time they appear. */
const MAX_VALUE_NODES = 1_000_000;

/**
 * Refuses a value that refers back to itself or nests deeper than MAX_VALUE_DEPTH, found without
 * recursion, so that merging or validating it can never overflow the stack.
 */
export function checkAcyclic(where: string, value: unknown): void {
  const stack: Array<{ node: unknown; path: string; ancestors: Set<object> }> = [
    { node: value, path: where, ancestors: new Set() },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, path, ancestors } = stack.pop()!;
    if (typeof node !== 'object' || node === null || isUint8Array(node)) continue;
    if (++nodes > MAX_VALUE_NODES)
      throw new ArgumentError(
        `${where} holds more than ${MAX_VALUE_NODES} values (counting shared ones each time)`,
      );
    if (ancestors.has(node))
      throw new ArgumentError(
        `${path} refers back to a value that contains it: a cycle, which no config can hold`,
      );
    if (ancestors.size >= MAX_VALUE_DEPTH)
      throw new ArgumentError(`${where} is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    const inside = new Set(ancestors).add(node);
    for (const [key, child] of Object.entries(node)) {
      const step = Array.isArray(node)
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(key)
          ? `.${key}`
          : `[${JSON.stringify(key)}]`;
      stack.push({ node: child, path: `${path}${step}`, ancestors: inside });
    }
  }
}

/** A report as simulate returns it (or its JSON read back): what renderers and metrics read. */
export function checkReport(where: string, report: unknown): void {
  const ok =
    isPlainObject(report) &&
    isPlainObject(report.client) &&
    isPlainObject(report.clusters) &&
    Array.isArray(report.timeline) &&
    Array.isArray(report.warnings);
  if (!ok) argumentError(where, 'a Report, as simulate returns it', report);
}
