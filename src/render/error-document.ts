import { inertInline } from '../core/inert.js';
import { formatDiagnostic } from './diagnostics.js';
import { escapeInline } from './markdown-fit.js';
import type { ErrorDocument, RenderOptions, Sink } from './types.js';
import { plainStyle } from './style.js';

/**
 * A failed command in a machine format: `plan --format json` with invalid manifests still prints one JSON
 * document (as `validate --format json` does), and `--format markdown` a short report a pull-request comment
 * can show, so CI never has an empty stdout to parse or post.
 */
export function renderErrorJson(document: ErrorDocument, sink: Sink): void {
  const body = {
    format_version: 1,
    ok: false,
    command: document.command,
    error: document.error,
    diagnostics: (document.diagnostics ?? []).map(({ severity, code, message, file, line, column }) => ({ severity, code, message, file, line, column })),
  };
  sink.write(`${JSON.stringify(body, null, 2)}\n`);
}

export function renderErrorMarkdown(document: ErrorDocument, sink: Sink): void {
  const errors = (document.diagnostics ?? []).filter((d) => d.severity === 'error');
  const lines = [`### xandr-sync ${document.command}: failed`, ''];
  if (document.error) lines.push(`**${escapeInline(document.error.message)}**`, '');
  if (errors.length) {
    lines.push(`${errors.length} error${errors.length === 1 ? '' : 's'} in the manifests; nothing was planned and nothing was written to Xandr.`, '');
    for (const d of errors.slice(0, 50)) lines.push(`- ${escapeInline(formatDiagnostic(d))}`);
    if (errors.length > 50) lines.push(`- and ${errors.length - 50} more: run \`xandr-sync validate\` locally`);
    lines.push('');
  }
  if (document.error?.hint) lines.push(`Hint: ${escapeInline(document.error.hint)}`, '');
  sink.write(`${lines.join('\n').trimEnd()}\n`);
}

export function renderErrorText(document: ErrorDocument, sink: Sink, options: RenderOptions): void {
  const style = options.style ?? plainStyle;
  for (const d of document.diagnostics ?? []) sink.write(`${formatDiagnostic(d, style)}\n`);
  if (document.error) sink.write(`${style.red(`error: ${inertInline(document.error.message)}`)}\n${document.error.hint ? `hint: ${inertInline(document.error.hint)}\n` : ''}`);
}
