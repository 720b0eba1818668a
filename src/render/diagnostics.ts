import type { Diagnostic } from '../manifest/types.js';
import type { DiagnosticsDocument, RenderOptions, Sink } from './types.js';

export type { ValidationSummary } from './types.js';
import { inertInline, WORKFLOW_COMMAND_MARK } from '../core/inert.js';
import { plainStyle, type Style } from './style.js';

/**
 * Diagnostics as text (people), JSON (scripts) and GitHub workflow commands (annotations on a pull request).
 * Only text may be coloured, and only through the Style it is handed.
 */

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

function counts(diagnostics: Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/** `file:line:col: error CODE message`, with the file name and the message made inert (core/inert.ts). */
export function formatDiagnostic(d: Diagnostic, paint: Style = plainStyle): string {
  const severity = d.severity === 'error' ? paint.red('error') : paint.yellow('warning');
  return `${paint.bold(`${inertInline(d.file)}:${d.line}:${d.column}:`)} ${severity} ${paint.dim(d.code)} ${inertInline(d.message)}`;
}

/** One line per diagnostic, then a one-line summary. */
export function renderDiagnosticsText({ diagnostics, summary }: DiagnosticsDocument, sink: Sink, options: RenderOptions): void {
  const paint = options.style ?? plainStyle;
  const lines = diagnostics.map((d) => formatDiagnostic(d, paint));
  const { errors, warnings } = counts(diagnostics);
  const checked = `${plural(summary.files, 'file')}: ${plural(summary.segments, 'segment')}, ${plural(summary.pixels, 'conversion pixel')}, ${plural(summary.bindings, 'line-item binding')}, ${plural(summary.targeting, 'targeted line item')}`;
  if (errors > 0 && summary.files === 0) {
    lines.push(paint.red(`${plural(errors, 'error')}: no manifest file was checked: not valid`));
  } else if (errors > 0) {
    const files = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file)).size;
    const also = warnings > 0 ? ` and ${plural(warnings, 'warning')}` : '';
    lines.push(paint.red(`${plural(errors, 'error')}${also} in ${plural(files, 'file')} (checked ${checked}): not valid`));
  } else {
    const also = warnings > 0 ? ` with ${plural(warnings, 'warning')}` : '';
    lines.push(paint.green(`valid${also}: ${checked}`));
  }
  sink.write(`${lines.join('\n')}\n`);
}

/** A stable JSON document: `valid`, the counts, every diagnostic. */
export function renderDiagnosticsJson({ diagnostics, summary, root }: DiagnosticsDocument, sink: Sink): void {
  const { errors, warnings } = counts(diagnostics);
  const body = {
    format_version: 1,
    valid: errors === 0,
    ...(root !== undefined ? { root } : {}),
    summary: {
      files: summary.files,
      segments: summary.segments,
      conversion_pixels: summary.pixels,
      line_item_pixels: summary.bindings,
      line_item_segments: summary.targeting,
      errors,
      warnings,
    },
    diagnostics: diagnostics.map(({ severity, code, message, file, line, column }) => ({ severity, code, message, file, line, column })),
  };
  sink.write(`${JSON.stringify(body, null, 2)}\n`);
}

/**
 * GitHub's escaping for a workflow command's message (actions/toolkit `escapeData`), after the other
 * control characters of data are made visible: nothing in a message can end the command or start another.
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => inertInline(c));
}

/** GitHub's escaping for a workflow command's property values (file, title), which also end at ':' and ','. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows at most 10 error and 10 warning annotations per step, and drops the rest silently. */
const GITHUB_ANNOTATION_LIMIT = 10;

/** Anything GitHub can annotate: a diagnostic, or a plan error that may or may not point at a file. */
export interface Annotation {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Workflow commands: the first 10 diagnostics (errors first) as annotations on their lines, then one
 * annotation that counts the rest, then the rest as plain log lines so that nothing is lost.
 */
export function renderDiagnosticsGithub({ diagnostics }: DiagnosticsDocument, sink: Sink): void {
  sink.write(renderAnnotationsGithub(diagnostics, { command: 'xandr-sync validate' }));
}

/** The same for any annotation; `command` names what to run locally in the counting line. */
export function renderAnnotationsGithub(items: Annotation[], options: { limit?: number; command: string }): string {
  const limit = options.limit ?? GITHUB_ANNOTATION_LIMIT;
  const ordered = [...items.filter((d) => d.severity === 'error'), ...items.filter((d) => d.severity !== 'error')];
  const shown = ordered.slice(0, limit);
  const rest = ordered.slice(limit);
  // Marked as ours (core/inert.ts): the output filter escapes any other line that begins with '::'.
  const lines = shown.map((d) => `${WORKFLOW_COMMAND_MARK}::${d.severity} ${annotationProperties(d)}::${escapeData(d.message)}`);
  if (rest.length > 0) {
    const errors = rest.filter((d) => d.severity === 'error').length;
    const warnings = rest.length - errors;
    // The counting line must itself survive GitHub's per-severity cap: use the severity that has room left.
    const shownErrors = shown.filter((d) => d.severity === 'error').length;
    const level = errors > 0 && shownErrors < limit ? 'error' : 'warning';
    const what = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(' and ');
    lines.push(`${WORKFLOW_COMMAND_MARK}::${level} title=${escapeProperty(options.command)}::${escapeData(`${what} more, not annotated: see the log of this step, or run '${options.command}' locally`)}`);
    for (const d of rest) lines.push(formatAnnotation(d));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function annotationProperties(d: Annotation): string {
  const props: string[] = [];
  if (d.file) {
    props.push(`file=${escapeProperty(d.file)}`);
    if (d.line) props.push(`line=${d.line}`);
    if (d.line && d.column) props.push(`col=${d.column}`);
  }
  props.push(`title=${escapeProperty(d.code)}`);
  return props.join(',');
}

function formatAnnotation(d: Annotation): string {
  if (d.file !== undefined && d.line !== undefined && d.column !== undefined) return formatDiagnostic(d as Diagnostic);
  const where = d.file ? `${inertInline(d.file)}${d.line ? `:${d.line}` : ''}: ` : '';
  return `${where}${d.severity} ${d.code} ${inertInline(d.message)}`;
}
