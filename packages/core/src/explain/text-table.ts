import { createRequire } from 'node:module';
import { printable } from '../config/resources/printable.js';

/** Printable ASCII only: its width is its length, with no need to ask string-width. */
const PLAIN = /^[\x20-\x7e]*$/;

let stringWidth: ((text: string) => number) | undefined;

/**
 * Columns a line takes on a terminal (wide characters count two, combining marks none). The width
 * library loads with the first line that is not plain ASCII: most tables have none.
 */
export const widthOf = (line: string): number => {
  if (PLAIN.test(line)) return line.length;
  stringWidth ??= createRequire(import.meta.url)('string-width') as (text: string) => number;
  return stringWidth(line);
};

/** Columns the widest line of `text` takes; a line of printable ASCII is measured by its length alone. */
export const widestLineOf = (text: string): number => {
  if (PLAIN.test(text)) return text.length;
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, widthOf(line));
  return widest;
};

/** What follows a cell: the spaces that pad it to its column, then the border (and the next cell's space). */
const PAD_THEN_MIDDLE: string[] = [' │ '];
const PAD_THEN_RIGHT: string[] = [' │'];
const padded = (made: string[], n: number): string => {
  for (let k = made.length; k <= n; k++) made[k] = ` ${made[k - 1]}`;
  return made[n]!;
};

/** The top or bottom border of columns `widths` wide; tables of the same widths recur, so each is drawn once. */
function rule(widths: readonly number[], left: string, middle: string, right: string): string {
  const key = `${left}${widths.join(',')}`;
  let line = rules.get(key);
  if (line === undefined) {
    line = `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
    if (rules.size >= 1024) rules.clear();
    rules.set(key, line);
  }
  return line;
}
const rules = new Map<string, string>();

type Cell = string | number;

/**
 * A box-drawn text table as the reports and `meshsim explain` print them: a header row, one line per
 * row (several for a cell with line breaks), columns as wide as their widest cell plus a space either
 * side, no colours. It draws what cli-table3 drew with the same settings, byte for byte, in time
 * linear in the cells: cli-table3 lays a table out in time quadratic in its rows, which made explain
 * take a minute over 8,000 ServiceEntries.
 */
export class TextTable {
  /** Per row, each cell's text, escaped for the terminal. */
  private readonly texts: string[][] = [];
  /** Per row, the width of each cell's widest line (measured once). */
  private readonly widths: number[][] = [];

  /**
   * `minWidths`: each column's content is padded to at least this many columns (a wrapped table's
   * widths). A null `head`: the caller pushes the header row itself, measured.
   */
  constructor(
    head: readonly Cell[] | null,
    private readonly minWidths: readonly number[] = [],
  ) {
    if (head !== null) this.push(head);
  }

  push(cells: readonly Cell[]): void {
    const texts = cells.map((c) => printable(String(c)));
    this.pushMeasured(texts, texts.map(widestLineOf));
  }

  /** A row already escaped, with each cell's widest line measured (the text layout has done both). */
  pushMeasured(texts: string[], widths: number[]): void {
    this.texts.push(texts);
    this.widths.push(widths);
  }

  toString(): string {
    const widths: number[] = [...this.minWidths];
    for (const row of this.widths) {
      for (let c = 0; c < row.length; c++) widths[c] = Math.max(widths[c] ?? 0, row[c]!);
    }
    // One array of pieces joined once: the table is copied a single time, whatever its size.
    const out: string[] = [rule(widths, '┌', '┬', '┐')];
    const last = widths.length - 1;
    for (let r = 0; r < this.texts.length; r++) {
      const texts = this.texts[r]!;
      const cellWidths = this.widths[r]!;
      let height = 1;
      for (const text of texts) if (text.includes('\n')) height = Math.max(height, text.split('\n').length);
      if (last < 0) {
        out.push('\n│');
      } else if (height === 1) {
        out.push('\n│ ');
        for (let c = 0; c <= last; c++) {
          const pad = widths[c]! - (cellWidths[c] ?? 0);
          out.push(texts[c] ?? '', padded(c === last ? PAD_THEN_RIGHT : PAD_THEN_MIDDLE, pad));
        }
      } else {
        this.drawLines(out, texts, cellWidths, widths, height);
      }
    }
    out.push('\n', rule(widths, '└', '┴', '┘'));
    return out.join('');
  }

  /** A row with a cell of several lines: each of its lines is padded to the column on a line of its own. */
  private drawLines(
    out: string[],
    texts: string[],
    cellWidths: number[],
    widths: number[],
    height: number,
  ): void {
    const last = widths.length - 1;
    const lines = texts.map((t) => t.split('\n'));
    for (let i = 0; i < height; i++) {
      out.push('\n│ ');
      for (let c = 0; c <= last; c++) {
        const line = lines[c]?.[i];
        const width = line === undefined ? 0 : lines[c]!.length === 1 ? cellWidths[c]! : widthOf(line);
        out.push(line ?? '', padded(c === last ? PAD_THEN_RIGHT : PAD_THEN_MIDDLE, widths[c]! - width));
      }
    }
  }
}
