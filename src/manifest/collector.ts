import type { DiagnosticCode } from './codes.js';
import type { SourceText } from './source-text.js';
import type { Diagnostic, Severity } from './types.js';

/**
 * A file with more problems than this is cut short: the first ones are reported, then one warning says the
 * rest were not checked. Real files never come close; a generated or hostile one (200,000 unknown keys) would
 * otherwise cost minutes and gigabytes of output for nothing anyone can read.
 */
export const MAX_PROBLEMS_PER_FILE = 100;

/** Collects diagnostics from every stage; the loader never stops at the first problem. */
export class DiagnosticCollector {
  private readonly items: Diagnostic[] = [];
  private readonly perFile = new Map<string, number>();
  private readonly cut = new Map<string, { line: number; column: number }>();

  /** A problem at an offset of a file's text. */
  at(source: SourceText, code: DiagnosticCode, message: string, offset: number, severity: Severity = 'error'): void {
    if (this.isFull(source.file)) {
      this.stoppedAt(source, offset);
      return;
    }
    const { line, column } = source.position(offset);
    this.add({ severity, code, message, file: source.file, line, column });
  }

  /** A problem with a path as a whole (a missing PATH, a file too large to read). */
  atFile(file: string, code: DiagnosticCode, message: string, line = 1, column = 1, severity: Severity = 'error'): void {
    this.add({ severity, code, message, file, line, column });
  }

  private add(d: Diagnostic): void {
    this.items.push(d);
    this.perFile.set(d.file, (this.perFile.get(d.file) ?? 0) + 1);
  }

  /** Where checking of a full file stopped: the first problem not reported, or the first document not checked. */
  stoppedAt(source: SourceText, offset: number): void {
    if (!this.cut.has(source.file)) this.cut.set(source.file, source.position(offset));
  }

  /** True once a file has as many problems as are worth reporting: callers may stop checking it. */
  isFull(file: string): boolean {
    return (this.perFile.get(file) ?? 0) >= MAX_PROBLEMS_PER_FILE;
  }

  get errorCount(): number {
    let n = 0;
    for (const d of this.items) if (d.severity === 'error') n++;
    return n;
  }

  /** By file, line and column, without exact repeats, so output is the same on every machine and every run. */
  sorted(): Diagnostic[] {
    const seen = new Set<string>();
    const unique: Diagnostic[] = [];
    for (const d of this.items) {
      const key = `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      unique.push(d);
    }
    for (const [file, { line, column }] of this.cut) {
      unique.push({
        severity: 'warning',
        code: 'too-many-problems',
        message: `more than ${MAX_PROBLEMS_PER_FILE} problems in this file: the others (the first of them is here) are not listed; fix these and run again`,
        file,
        line,
        column,
      });
    }
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return unique.sort(
      (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message),
    );
  }
}
