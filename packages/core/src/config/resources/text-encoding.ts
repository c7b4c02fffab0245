/** How UTF-16's byte order marks read once the bytes were decoded as UTF-8: two replacement characters. */
const MISREAD_BOM = '\uFFFD\uFFFD';

/**
 * Why `text` is not the UTF-8 YAML it should be, or null: UTF-16 (or UTF-32) bytes decoded as UTF-8
 * start with a misread byte order mark and hold a NUL between every ASCII character. YAML would read
 * them as one long scalar; this names the encoding instead.
 */
export function encodingProblem(text: string): string | null {
  const nul = text.indexOf('\u0000');
  if (nul < 0) return null;
  if (text.startsWith(MISREAD_BOM))
    return 'the file is UTF-16 or UTF-32 (it starts with a byte order mark), not UTF-8; save it as UTF-8';
  return `the file holds a NUL character (at offset ${nul}): it is not UTF-8 text (UTF-16 without a byte order mark, or binary); save it as UTF-8`;
}
