import { createRequire } from 'node:module';
import { printable } from '../config/resources/printable.js';
import { TextTable as Drawn, widestLineOf, widthOf } from './text-table.js';

/** The widest line meshsim's text output prints: tables and prose are wrapped to fit it. */
export const PAGE_WIDTH = 120;

type WrapAnsi = (text: string, columns: number, options: { hard: boolean; trim: boolean }) => string;
let wrapAnsi: WrapAnsi | undefined;

/** `text` wrapped at spaces to `width` columns; a word longer than that is broken. */
export const wrapTo = (text: string, width: number): string => {
  // Most cells already fit: lines no wider than the column, nothing at their ends to trim.
  if (fitsAsIs(text, width)) return text;
  // The same note recurs on every cluster of its kind: wrap it once.
  const key = `${width}:${text}`;
  const known = wrapped.get(key);
  if (known !== undefined) return known;
  // The wrapping library loads with the first wrapped text: a run that prints no text never needs it.
  wrapAnsi ??= createRequire(import.meta.url)('wrap-ansi') as WrapAnsi;
  const lines = wrapAnsi(text, width, { hard: true, trim: true });
  if (wrapped.size >= 4096) wrapped.clear();
  wrapped.set(key, lines);
  return lines;
};
const wrapped = new Map<string, string>();

/** A line of printable ASCII that neither starts nor ends with a space (or no text at all). */
const TRIMMED_PLAIN = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/**
 * What the wrapping library would change or measure as nothing in a line that fits: controls (a tab
 * counts no column) and surrogates (astral characters, emoji sequences); and marks, which string-width
 * counts as no column, so that a word of them alone is dropped at a line's end.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNWRAPPABLE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;
const MARK = /\p{M}/u;
/** Whitespace the library trims from a line's start (any JavaScript whitespace) or end. */
const EDGE_SPACE = /^\s|\s$/;

/**
 * A line the wrapping library would return as it is: no wider than `width`, nothing at its ends to
 * trim, nothing that Unicode normalization (which it applies) would change; text such as `route →`
 * or `≥ 1 …` skips it too.
 */
function lineFits(line: string, width: number): boolean {
  if (TRIMMED_PLAIN.test(line)) return line.length <= width;
  return (
    !UNWRAPPABLE.test(line) &&
    !MARK.test(line) &&
    !EDGE_SPACE.test(line) &&
    line.normalize() === line &&
    widthOf(line) <= width
  );
}

/** Lines the wrapping library would leave as they are: each fits `width` with nothing to trim. */
export function fitsAsIs(text: string, width: number): boolean {
  if (!text.includes('\n')) return lineFits(text, width);
  for (const line of text.split('\n')) if (!lineFits(line, width)) return false;
  return true;
}

const widest = (text: string, split: RegExp): number => Math.max(0, ...text.split(split).map(widthOf));

/** The narrowest a column is cut to when words must break: short values (LOGICAL_DNS, 4294967295) stay whole. */
const MIN_COLUMN = 12;

/**
 * The content width of each column so the table fits `width`: as wide as its content when that fits;
 * else each column as narrow as its longest word (breaking the fewest words where even that is too
 * wide), then the room left given where it unwraps the most cells per character.
 */
export function columnWidths(rows: readonly (readonly string[])[], width = PAGE_WIDTH): number[] {
  const n = rows[0]?.length ?? 0;
  // A border on each side of every column, and a space of padding inside each side of every cell.
  const budget = width - (n + 1) - 2 * n;
  const measure = (split: RegExp) =>
    rows.map((r) => Array.from({ length: n }, (_, i) => widest(r[i] ?? '', split)));
  const line = measure(/\n/);
  const natural = new Array<number>(n).fill(1);
  for (const r of line) for (let i = 0; i < n; i++) natural[i] = Math.max(natural[i]!, r[i]!);
  if (sum(natural) <= budget) return natural;
  // Words are measured only for a table that must wrap.
  const widths = wordFloor(measure(/ +/), budget);
  grow(widths, natural, line, budget);
  return widths;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/**
 * Each column as wide as its longest word; where those are too wide together, the cut that breaks the
 * fewest words per character saved is made first (the rightmost column on a tie), until the table fits.
 */
function wordFloor(word: readonly number[][], budget: number): number[] {
  const n = word[0]?.length ?? 0;
  const floor = Array.from({ length: n }, (_, i) => Math.max(1, ...word.map((r) => r[i]!)));
  const broken = (i: number, w: number) => word.filter((r) => r[i]! > w).length;
  for (let over = sum(floor) - budget; over > 0; ) {
    let best: { i: number; to: number; cost: number } | undefined;
    for (let i = n - 1; i >= 0; i--) {
      for (let to = Math.max(MIN_COLUMN, floor[i]! - over); to < floor[i]!; to++) {
        const cost = (broken(i, to) - broken(i, floor[i]!)) / (floor[i]! - to);
        if (best === undefined || cost < best.cost) best = { i, to, cost };
      }
    }
    if (best === undefined) break;
    over -= floor[best.i]! - best.to;
    floor[best.i] = best.to;
  }
  // Lowered to the longest word each column still holds whole: the room that frees is given back later.
  return floor.map((w, i) => Math.max(1, ...word.map((r) => (r[i]! <= w ? r[i]! : 0))));
}

/**
 * Widens columns within `budget`: each step to the next width at which some cells stop wrapping, where
 * that unwraps the most cells per character; what is left goes to the columns still short of their width.
 */
function grow(widths: number[], natural: readonly number[], line: readonly number[][], budget: number): void {
  for (;;) {
    const spare = budget - sum(widths);
    let best: { i: number; to: number; gain: number } | undefined;
    for (let i = 0; i < widths.length; i++) {
      const longer = line.map((r) => r[i]!).filter((w) => w > widths[i]!);
      if (longer.length === 0) continue;
      const to = Math.min(...longer);
      const gain = longer.filter((w) => w === to).length / (to - widths[i]!);
      if (to - widths[i]! <= spare && (best === undefined || gain > best.gain)) best = { i, to, gain };
    }
    if (best === undefined) break;
    widths[best.i] = best.to;
  }
  for (let i = 0, spare = budget - sum(widths); i < widths.length && spare > 0; i++) {
    const add = Math.min(spare, natural[i]! - widths[i]!);
    widths[i]! += add;
    spare -= add;
  }
}

export type Cell = string | number;

/** Printable ASCII on one line: nothing to escape, its width its length. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Whether `text`, measured as `measured` columns wide, prints as it is in `width` columns. */
const fits = (text: string, measured: number, width: number, plain: boolean): boolean =>
  measured <= width &&
  (plain
    ? text.length === 0 || (text.charCodeAt(0) !== 32 && text.charCodeAt(text.length - 1) !== 32)
    : fitsAsIs(text, width));

/** A table of text that fits the page: its cells wrapped to widths chosen when printed. */
export class TextTable {
  /** Per row, each cell escaped for the terminal. */
  private readonly rows: string[][] = [];
  /** Per row, the width of each cell's widest line, measured once: for the column widths, then for drawing. */
  private readonly measured: number[][] = [];
  /** Per row, a bit for each cell (of the first 30) of printable ASCII on one line. */
  private readonly plain: number[] = [];

  constructor(
    private readonly head: readonly string[],
    private readonly width = PAGE_WIDTH,
  ) {}

  push(...rows: Cell[][]): void {
    for (const row of rows) {
      const texts = new Array<string>(row.length);
      const widths = new Array<number>(row.length);
      let plain = 0;
      for (let i = 0; i < row.length; i++) {
        const cell = String(row[i]);
        if (PLAIN.test(cell)) {
          texts[i] = cell;
          widths[i] = cell.length;
          if (i < 30) plain |= 1 << i;
        } else {
          // Escaped before measuring, so a wrapped line is as wide as what is printed.
          texts[i] = printable(cell);
          widths[i] = widestLineOf(texts[i]!);
        }
      }
      this.rows.push(texts);
      this.measured.push(widths);
      this.plain.push(plain);
    }
  }

  get length(): number {
    return this.rows.length;
  }

  toString(): string {
    const head = this.head.map(printable);
    const headWidths = head.map(widestLineOf);
    const n = head.length;
    const natural = headWidths.map((w) => Math.max(1, w));
    for (const row of this.measured) {
      for (let i = 0; i < n; i++) natural[i] = Math.max(natural[i]!, row[i] ?? 0);
    }
    // Only a table too wide for the page is measured again, word by word, to choose where it wraps.
    const budget = this.width - (n + 1) - 2 * n;
    const widths = sum(natural) <= budget ? natural : columnWidths([head, ...this.rows], this.width);
    const table = new Drawn(null, widths);
    fitRow(table, head, headWidths, 0, widths);
    for (let r = 0; r < this.rows.length; r++) {
      fitRow(table, this.rows[r]!, this.measured[r]!, this.plain[r]!, widths);
    }
    return table.toString();
  }
}

/** Adds a row to `table`: a cell that fits keeps its text and measure, any other is wrapped and measured again. */
function fitRow(table: Drawn, texts: string[], measured: number[], plain: number, widths: number[]): void {
  let fitted = texts;
  let widest = measured;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (fits(text, measured[i]!, widths[i]!, i < 30 && (plain & (1 << i)) !== 0)) continue;
    if (fitted === texts) {
      fitted = [...texts];
      widest = [...measured];
    }
    fitted[i] = wrapTo(text, widths[i]!);
    widest[i] = widestLineOf(fitted[i]!);
  }
  table.pushMeasured(fitted, widest);
}

/**
 * A paragraph wrapped to the page: its first line starts with `first`, the others with `rest`
 * (a hanging indent under a bullet or a time stamp).
 */
export function wrapParagraph(text: string, first = '', rest = first, width = PAGE_WIDTH): string[] {
  const room = Math.max(20, width - Math.max(widthOf(first), widthOf(rest)));
  return wrapTo(printable(text), room)
    .split('\n')
    .map((line, i) => `${i === 0 ? first : rest}${line}`);
}

/** A line wrapped to the page under its own indentation, its continuation lines two spaces deeper. */
export function wrapIndented(line: string, width = PAGE_WIDTH): string[] {
  const indent = line.slice(0, line.length - line.trimStart().length);
  return wrapParagraph(line.trimStart(), indent, `${indent}  `, width);
}
