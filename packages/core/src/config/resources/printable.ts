/**
 * Characters a terminal acts on rather than shows: C0 controls but tab and line feed, DEL, C1 controls
 * (0x9b is a CSI on some terminals), and the bidirectional overrides that reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text safe to print on a terminal: an escape sequence in a YAML value (a Scenario name, a phase, a
 * header) is shown as `\u001b[31m`, never run by the terminal. Text without such characters is returned
 * as it is.
 */
export function printable(text: string): string {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(text) ? text.replace(CONTROLS, escaped) : text;
}
