// The text tables of reports and explain draw exactly what cli-table3 drew with the same settings (which
// they replaced for speed: cli-table3 lays a table out in time quadratic in its rows), for any cells.
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextTable } from '../src/explain/text-table.js';

const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

describe('TextTable', () => {
  it('draws what cli-table3 draws: any text, wide characters, line breaks, empty cells, numbers', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.integer(),
      fc.constantFrom('a\nbb', '', 'é', '漢字', '≥ 1 …', 'x\n\ny'),
    );
    const tables = fc
      .integer({ min: 1, max: 5 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.string({ maxLength: 8 }), { minLength: n, maxLength: n }),
          fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 6 }),
        ),
      );
    fc.assert(
      fc.property(tables, ([head, rows]) => {
        const theirs = new Table({ head, chars: compact, style: { head: [], border: [] } });
        const ours = new TextTable(head);
        for (const r of rows) {
          theirs.push(r);
          ours.push(r);
        }
        expect(ours.toString()).toBe(theirs.toString());
      }),
      { numRuns: 300 },
    );
  });
});
