import { printable } from '../config/resources/printable.js';

/** About a megabyte of text: large enough that writing it is one system call, small enough to die young. */
const PART_CHARS = 1 << 19;

/**
 * Lines of text handed on in parts, each part its lines joined by line breaks and ended by one,
 * escaped for the terminal: together the parts are `lines.join('\n') + '\n'`, yet a long text (an
 * explanation of 8,000 clusters is 50 MB) is never held whole nor kept alive line by line.
 */
export class LineSink {
  private lines: string[] = [];
  private chars = 0;

  constructor(private readonly write: (part: string) => void) {}

  push(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line);
      this.chars += line.length;
    }
    if (this.chars >= PART_CHARS) this.flush();
  }

  /** Hands on what is left; the text ends here. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.lines.push('');
    const part = this.lines.join('\n');
    this.lines = [];
    this.chars = 0;
    this.write(printable(part));
  }
}
