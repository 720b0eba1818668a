/**
 * Strings from Xandr, git, GitHub and files are someone else's: a line item named `Acme\n::warning::...`
 * would print a GitHub workflow command, an ESC sequence would clear a terminal, a CR would rewrite a line,
 * a bidirectional override would show text in another order than it is. This module makes such strings
 * inert (SECURITY.md, "Foreign strings in output"); render/markdown-fit.ts does the same for markdown.
 *
 * Escapes use the `\uXXXX` form, which reads plainly in a terminal and is also a valid escape inside a JSON
 * string, so one filter can sit on stdout whatever the format.
 */

/**
 * Characters that must never reach an output from data: C0 controls (ESC, CR, BEL, newline, ...), DEL, C1
 * controls, bidirectional controls, and zero-width characters that hide text.
 */
const HIDDEN_CHAR = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const HIDDEN = new RegExp(HIDDEN_CHAR.source, 'g');

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A foreign string for one line of text: every hidden or control character shown escaped (`\u001b`,
 * `\u000a`), and a leading `::` escaped, so the string can neither break the line nor start a workflow
 * command when it happens to begin one.
 */
export function inertInline(text: string): string {
  const out = inertCharacters(text);
  return out.startsWith('::') ? `\\${out}` : out;
}

/**
 * Only the hidden and control characters escaped, for an output with no line-start commands to fear (HTML:
 * the dashboard's escaping in dashboard/html.ts builds on it).
 */
export function inertCharacters(text: string): string {
  return text.replace(HIDDEN, escapeChar);
}

/**
 * Marks a line as a workflow command that xandr-sync itself wrote (render/diagnostics.ts). The output
 * filter below removes the mark and lets the line through; any other line that begins with `::` came from
 * data and is escaped.
 */
export const WORKFLOW_COMMAND_MARK = '\ue000';

/**
 * The last line of defence on stdout and stderr, for whatever a composition site forgot: control and
 * hidden characters are escaped, except what xandr-sync writes itself (newlines, tabs, its own colour codes
 * and the progress line's `\r ESC[2K`), and a line beginning with `::` that is not marked as one of our
 * workflow commands is escaped. Stateful: it remembers whether the next chunk starts a line.
 */
/** Anything the filter would change: a control or hidden character (tab and newline aside), our mark, or a `::` after a newline. */
const NEEDS_FILTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ue000]|\n::/;

export function createOutputFilter(): (chunk: string) => string {
  let lineStart = true;
  return (chunk) => {
    // Most output (a JSON plan of megabytes) has nothing to filter: one regex scan instead of a walk.
    if (chunk.length > 0 && !NEEDS_FILTER.test(chunk) && !(lineStart && chunk.startsWith('::'))) {
      lineStart = chunk.endsWith('\n');
      return chunk;
    }
    let out = '';
    for (let i = 0; i < chunk.length; ) {
      const c = chunk[i]!;
      if (lineStart) {
        lineStart = false;
        if (c === WORKFLOW_COMMAND_MARK) {
          i++;
          continue;
        }
        if (c === ':' && (chunk[i + 1] ?? ':') === ':') out += '\\';
      }
      if (c === '\n') {
        out += c;
        lineStart = true;
        i++;
        continue;
      }
      if (c === '\t') {
        out += c;
        i++;
        continue;
      }
      const own = c === '\r' || c === '\u001b' ? ownSequence(chunk, i) : 0;
      if (own > 0) {
        out += chunk.slice(i, i + own);
        i += own;
        continue;
      }
      out += c === WORKFLOW_COMMAND_MARK ? '' : HIDDEN_CHAR.test(c) ? escapeChar(c) : c;
      i++;
    }
    return out;
  };
}

/** The length of a control sequence xandr-sync emits itself at `i` (render/style.ts, cli/progress.ts), or 0. */
function ownSequence(text: string, i: number): number {
  if (text.startsWith('\r\u001b[2K', i)) return 5;
  const sgr = /^\u001b\[(?:1|2|22|31|32|33|36|39)m/.exec(text.slice(i, i + 5));
  return sgr ? sgr[0].length : 0;
}
