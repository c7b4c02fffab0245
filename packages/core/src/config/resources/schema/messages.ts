import * as z from 'zod';

const MAX_SHOWN = 40;

/** How a bad value is quoted in a message: `"https"`, `1.5`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** Edit distance, for "did you mean" hints on misspelt field names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const folded = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/** The known field closest to an unknown one (case, snake_case or a small typo), if any is close. */
export function closestField(unknown: string, known: readonly string[]): string | undefined {
  const exactFold = known.find((k) => folded(k) === folded(unknown));
  if (exactFold !== undefined) return exactFold;
  const threshold = Math.max(1, Math.min(3, Math.floor(unknown.length / 3)));
  let best: string | undefined;
  let bestDistance = threshold + 1;
  for (const candidate of known) {
    const d = editDistance(folded(unknown), folded(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** The object schema a field holds, looking through optional and default wrappers. */
function objectInside(schema: unknown): z.ZodObject | undefined {
  let current = schema;
  for (let i = 0; i < 4; i++) {
    if (current instanceof z.ZodObject) return current;
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap();
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** A field of the same name one level down (e.g. `localityLbSetting` belongs in `loadBalancer`). */
function misplacedField(key: string, shape: Readonly<Record<string, unknown>>): string | undefined {
  for (const [name, schema] of Object.entries(shape)) {
    const inner = objectInside(schema);
    if (inner !== undefined && Object.hasOwn(inner.shape, key)) return `${name}.${key}`;
  }
  return undefined;
}

/** One line per unknown key, in `keys` order; the loader splits them into one diagnostic each. */
function unknownFieldsMessage(keys: readonly string[], shape: Readonly<Record<string, unknown>>): string {
  const known = Object.keys(shape);
  return keys
    .map((key) => {
      const hint = closestField(key, known) ?? misplacedField(key, shape);
      const field = JSON.stringify(key); // escapes newlines, which would break the one-line-per-key contract
      return hint === undefined
        ? `unknown field ${field}`
        : `unknown field ${field} (did you mean "${hint}"?)`;
    })
    .join('\n');
}

function rangeMessage(issue: z.core.$ZodRawIssue, bound: number, inclusive: boolean, below: boolean): string {
  const got = `, got ${describeValue(issue.input)}`;
  if ('origin' in issue && (issue.origin === 'array' || issue.origin === 'set')) {
    return below
      ? `must have at least ${bound} item${bound === 1 ? '' : 's'}`
      : `must have at most ${bound} items`;
  }
  if ('origin' in issue && issue.origin === 'string') {
    if (below && bound <= 1) return 'must not be empty';
    return below ? `must be at least ${bound} characters long` : `must be at most ${bound} characters long`;
  }
  if (below) return inclusive ? `must be at least ${bound}${got}` : `must be greater than ${bound}${got}`;
  return inclusive ? `must be at most ${bound}${got}` : `must be less than ${bound}${got}`;
}

/**
 * The parse-wide error map: turns zod's issues into messages that say what was expected and what
 * was found. Schema-level `error` options (integer ranges, durations) take precedence over it.
 */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  const got = `, got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}${got}`;
    case 'invalid_value': {
      const shown = issue.values.map((v) => (typeof v === 'string' ? v : String(v)));
      if (shown.length === 1) return `must be ${shown[0]}${got}`;
      return `must be one of ${shown.join(', ')}${got}`;
    }
    case 'too_small':
      return rangeMessage(issue, Number(issue.minimum), issue.inclusive !== false, true);
    case 'too_big':
      return rangeMessage(issue, Number(issue.maximum), issue.inclusive !== false, false);
    case 'unrecognized_keys': {
      const shape = issue.inst instanceof z.ZodObject ? issue.inst.shape : {};
      return unknownFieldsMessage(issue.keys, shape);
    }
    case 'invalid_format':
      return `must be a valid ${issue.format}${got}`;
    case 'invalid_union':
      return `does not match any allowed form${got}`;
    case 'invalid_key':
      return `has an invalid key${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}${got}`;
    default:
      return undefined;
  }
};

/**
 * Parse options every schema in this folder is run with. `jitless`: a run parses each schema a few times,
 * and zod's compiled fast path costs more to generate (new Function per object shape) than it saves.
 */
export const PARSE_OPTIONS = { error: issueMessage, reportInput: true, jitless: true } as const;
