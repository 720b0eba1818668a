/**
 * A decoded file and its line index, so that offsets (what the parsers give) become the 1-based line and column
 * that diagnostics carry. Lines end at '\n'; a '\r' before it is just the last character of the line, so CRLF
 * files get the same line and column as LF files.
 */
export class SourceText {
  private starts: number[] | undefined;
  private hidden: boolean | undefined;

  constructor(
    /** The path as diagnostics show it (relative to cwd, posix separators). */
    readonly file: string,
    readonly text: string,
  ) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const { text } = this;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }

  /** 1-based line and column (in UTF-16 code units) of an offset into the text. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }

  /** Whether the text holds any character that hidden-characters.ts warns about: one scan per file, not per value. */
  get hasHiddenCharacters(): boolean {
    this.hidden ??= /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/.test(this.text);
    return this.hidden;
  }

  line(offset: number): number {
    return this.position(offset).line;
  }
}
