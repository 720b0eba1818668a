import type { DiagnosticCode } from './codes.js';
import type { SourceText } from './source-text.js';
import type { Diagnostic, Severity } from './types.js';

/** Collects diagnostics from every stage; the loader never stops at the first problem. */
export class DiagnosticCollector {
  private readonly items: Diagnostic[] = [];

  /** A problem at an offset of a file's text. */
  at(source: SourceText, code: DiagnosticCode, message: string, offset: number, severity: Severity = 'error'): void {
    const { line, column } = source.position(offset);
    this.items.push({ severity, code, message, file: source.file, line, column });
  }

  /** A problem with a path as a whole (a missing PATH, a file too large to read). */
  atFile(file: string, code: DiagnosticCode, message: string, line = 1, column = 1, severity: Severity = 'error'): void {
    this.items.push({ severity, code, message, file, line, column });
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
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return unique.sort(
      (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message),
    );
  }
}
