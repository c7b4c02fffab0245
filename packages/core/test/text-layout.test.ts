// The page layout measures each cell once and leaves the cells that fit alone; these check that its
// shortcuts print what the plain composition (measure, wrap every cell with wrap-ansi, draw) prints.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printable } from '../src/config/resources/printable.js';
import { columnWidths, fitsAsIs, TextTable, wrapTo } from '../src/explain/text-layout.js';
import { TextTable as Drawn } from '../src/explain/text-table.js';

type WrapAnsi = (text: string, columns: number, options: { hard: boolean; trim: boolean }) => string;
const wrapAnsi = createRequire(import.meta.url)('wrap-ansi') as WrapAnsi;

/** Text as explain prints it, and the characters that are easy to get wrong. */
const awkward = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '\n',
  '→',
  '…',
  '≥',
  'é',
  'e\u0301',
  '\u0301',
  '\u2126',
  '\u3000',
  '\u00a0',
  '\ufeff',
  '漢字',
  '😀',
  '\u{1F469}\u200D\u{1F4BB}',
  '#\uFE0F\u20E3',
  'outbound|443||svc-0.example.com',
);
const text = fc
  .array(
    fc.oneof(
      { arbitrary: awkward, weight: 4 },
      fc.constantFrom('a', 'b c', 'x'),
      fc.string({ maxLength: 10 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => printable(parts.join('')));

describe('fitsAsIs', () => {
  it('holds only for text wrap-ansi returns unchanged', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (t, width) => {
        if (fitsAsIs(t, width)) expect(wrapAnsi(t, width, { hard: true, trim: true })).toBe(t);
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes text with arrows, ellipses and accents that fits, and not what is too wide or untrimmed', () => {
    expect(fitsAsIs('route → outbound|443||svc-0.example.com', 60)).toBe(true);
    expect(fitsAsIs('≥ 1 … café', 10)).toBe(true);
    expect(fitsAsIs('≥ 1 … café', 9)).toBe(false);
    expect(fitsAsIs('漢字', 3)).toBe(false);
    expect(fitsAsIs('→ ', 10)).toBe(false);
    expect(fitsAsIs('\u3000→', 10)).toBe(false);
    expect(fitsAsIs('cafe\u0301', 10)).toBe(false);
    // wrap-ansi drops a last word it measures as no column (a combining mark) and trims a tab's line.
    expect(wrapAnsi('a \u0301', 10, { hard: true, trim: true })).toBe('a\u0301');
    expect(fitsAsIs('a \u0301', 10)).toBe(false);
    expect(fitsAsIs('\t x', 10)).toBe(false);
  });
});

/** The layout as first written: widths from columnWidths, every cell through wrapTo, then drawn. */
function composed(head: string[], rows: string[][], width: number): string {
  const h = head.map(printable);
  const r = rows.map((row) => row.map((c) => printable(c)));
  const widths = columnWidths([h, ...r], width);
  const fit = (row: readonly string[]) => row.map((cell, i) => wrapTo(cell, widths[i]!));
  const table = new Drawn(fit(h), widths);
  for (const row of r) table.push(fit(row));
  return table.toString();
}

describe('TextTable (page layout)', () => {
  it('draws what measuring, wrapping and drawing every cell draws, at any page width', () => {
    const tables = fc
      .integer({ min: 1, max: 4 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.string({ maxLength: 8 }), { minLength: n, maxLength: n }),
          fc.array(fc.array(text, { minLength: n, maxLength: n }), { maxLength: 5 }),
          fc.integer({ min: 20, max: 130 }),
        ),
      );
    fc.assert(
      fc.property(tables, ([head, rows, width]) => {
        const table = new TextTable(head, width);
        table.push(...rows);
        const first = table.toString();
        expect(first).toBe(composed(head, rows, width));
        // Drawing does not change the table: a second drawing is the same.
        expect(table.toString()).toBe(first);
      }),
      { numRuns: 2_000 },
    );
  });
});
