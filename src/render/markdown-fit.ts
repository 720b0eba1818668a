import { inertInline } from '../core/inert.js';

/**
 * Markdown that fits a size limit and stays well-formed when it does not: GitHub refuses a comment over
 * 65,536 characters and a step summary over 1 MiB, and a table cut in half or a <details> left open swallows
 * everything after it. So text is dropped by whole rows from the end, each table keeps its header, every
 * <details> is closed, and a note says what was left out.
 */

export interface MarkdownSection {
  /** The <summary> line of a folded block; null for a plain list right under the head. */
  title: string | null;
  rows: string[];
  /** Column headings when the rows are table rows (`| a | b |`). */
  columns?: string[];
  /** Unfolded by default (risks a reviewer must not miss). */
  open?: boolean;
}

interface FitOptions {
  /** In characters (UTF-16 code units, which never undercount what GitHub counts). */
  limit: number;
  /** The closing note when rows were left out; `omitted` names the sections not shown at all. */
  note: (shown: number, total: number, omitted: string[]) => string;
}

/** Room kept for `(first N of M)` added to the title of the section that was cut. */
const CUT_SUFFIX_ROOM = 40;

export function fitMarkdown(head: string[], sections: MarkdownSection[], options: FitOptions): string {
  const total = sections.reduce((n, s) => n + s.rows.length, 0);
  const whole = finish([...head, ...sections.flatMap((s) => block(s, s.rows, s.title))]);
  if (whole.length <= options.limit) return whole;

  // The note is reserved at its longest (every section omitted), so it always fits after the last row.
  const titles = sections.map((s) => s.title ?? 'list');
  const reserve = options.note(total, total, titles).length + 2;
  const out = [...head];
  let used = finish(head).length + reserve;
  let shown = 0;
  const omitted: string[] = [];
  let full = false;
  for (const section of sections) {
    if (full) {
      omitted.push(section.title ?? 'list');
      continue;
    }
    const frame = block(section, [], section.title).join('\n').length + 1 + CUT_SUFFIX_ROOM;
    const rows: string[] = [];
    let size = used + frame;
    for (const row of section.rows) {
      if (size + row.length + 1 > options.limit) break;
      rows.push(row);
      size += row.length + 1;
    }
    if (rows.length === 0) {
      omitted.push(section.title ?? 'list');
      full = true;
      continue;
    }
    const cut = rows.length < section.rows.length;
    const title = cut && section.title !== null ? `${section.title} (first ${rows.length} of ${section.rows.length})` : section.title;
    out.push(...block(section, rows, title));
    used = size;
    shown += rows.length;
    if (cut) full = true;
  }
  const text = finish([...out, options.note(shown, total, omitted)]);
  if (text.length <= options.limit) return text;
  // Only a head longer than the limit gets here (a tiny limit: a step summary that is nearly full).
  const note = finish([options.note(0, total, titles)]);
  return note.length <= options.limit ? note : '';
}

function block(section: MarkdownSection, rows: string[], title: string | null): string[] {
  const table = section.columns ? [`| ${section.columns.join(' | ')} |`, `|${section.columns.map(() => '---|').join('')}`] : [];
  if (title === null) return [...table, ...rows, ''];
  return [section.open ? '<details open>' : '<details>', `<summary>${escapeHtml(title)}</summary>`, '', ...table, ...rows, '', '</details>', ''];
}

function finish(lines: string[]): string {
  return `${lines.join('\n').trimEnd()}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text for one table cell: as escapeInline, and no `|` can end the cell (it is escaped there too). */
export function escapeCell(text: string): string {
  return escapeInline(text);
}

/**
 * Text for one line of a list, a paragraph or a cell, that may hold strings from Xandr, git or files: it
 * renders as the text it is and does nothing else. No line break or control character (core/inert.ts), no
 * HTML, no markdown syntax (links, images, emphasis, headings, table pipes: each punctuation character is
 * backslash-escaped), and no mention or autolink: a zero-width space after `@` and inside `://` and `www.`
 * keeps GitHub from pinging a user or making a link, the way Renovate and Dependabot write their comments.
 */
export function escapeInline(text: string): string {
  return escapeHtml(inertInline(text.replace(/\r\n|\r|\n/g, ' ')))
    .replace(/[\\`*_[\]()!#~|{}]/g, '\\$&')
    .replace(/@/g, '@&#8203;')
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}&#8203;.`);
}

/**
 * A code span that survives any content and a table cell: a backtick inside gets a longer fence (CommonMark
 * code spans), `|` is escaped (GFM tables split cells on it even inside code spans). Inside a code span
 * nothing is markup, mention or link; control characters are shown escaped.
 */
export function codeSpan(text: string): string {
  const flat = inertInline(text.replace(/\r\n|\r|\n/g, ' ')).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Cuts a text to `max` characters with an ellipsis, before escaping, so no escape sequence is split. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // Never leave half of a surrogate pair (an emoji) at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
