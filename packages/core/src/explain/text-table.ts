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

type Cell = string | number;

/**
 * A box-drawn text table as the reports and `meshsim explain` print them: a header row, one line per
 * row (several for a cell with line breaks), columns as wide as their widest cell plus a space either
 * side, no colours. It draws what cli-table3 drew with the same settings, byte for byte, in time
 * linear in the cells: cli-table3 lays a table out in time quadratic in its rows, which made explain
 * take a minute over 8,000 ServiceEntries.
 */
export class TextTable {
  /** Per row, per cell, its lines and their widths (measured once). */
  private readonly rows: Array<Array<{ lines: string[]; widths: number[] }>> = [];

  /** `minWidths`: each column's content is padded to at least this many columns (a wrapped table's widths). */
  constructor(
    head: readonly string[],
    private readonly minWidths: readonly number[] = [],
  ) {
    this.push(head);
  }

  push(cells: readonly Cell[]): void {
    this.rows.push(
      cells.map((c) => {
        const lines = printable(String(c)).split('\n');
        return { lines, widths: lines.map(widthOf) };
      }),
    );
  }

  toString(): string {
    const widths: number[] = [...this.minWidths];
    for (const row of this.rows) {
      row.forEach((cell, c) => {
        widths[c] = Math.max(widths[c] ?? 0, ...cell.widths);
      });
    }
    const rule = (left: string, middle: string, right: string) =>
      `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
    const out = [rule('┌', '┬', '┐')];
    for (const row of this.rows) {
      let height = 1;
      for (const cell of row) height = Math.max(height, cell.lines.length);
      for (let i = 0; i < height; i++) {
        let line = '│';
        for (let c = 0; c < widths.length; c++) {
          const cell = row[c];
          const text = cell?.lines[i] ?? '';
          line += ` ${text}${' '.repeat(widths[c]! - (cell?.widths[i] ?? 0))} │`;
        }
        out.push(line);
      }
    }
    out.push(rule('└', '┴', '┘'));
    return out.join('\n');
  }
}
