import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/cli.js';

/** The pages a user reads: the README and docs/ (the commands test), plus the other top-level documents. */
export const USER_DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
export const ALL_DOCS = [...USER_DOCS, 'SECURITY.md', 'CHANGELOG.md', 'BENCHMARKS.md'];

export function readDoc(file: string): string {
  return readFileSync(join(REPO, file), 'utf8');
}

/** One line of a page, and the fenced code block it is in (null outside any). */
export interface DocLine {
  /** 1-based. */
  number: number;
  text: string;
  /** The info string's first word (`sh`, `console`, `yaml`, ...; '' for none), or null outside a block. */
  fence: string | null;
}

/** The lines of a page, each with its code block. Fences may be indented (inside list items), with ``` or ~~~. */
export function docLines(text: string): DocLine[] {
  const out: DocLine[] = [];
  let open: { marker: string; lang: string } | null = null;
  text.split('\n').forEach((line, i) => {
    const fence = /^ {0,12}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (open === null && fence) {
      open = { marker: fence[1]!, lang: fence[2]!.toLowerCase() };
      return;
    }
    if (open !== null && fence && fence[1]!.startsWith(open.marker) && fence[2] === '' && line.trim() === fence[1]) {
      open = null;
      return;
    }
    out.push({ number: i + 1, text: line, fence: open?.lang ?? null });
  });
  return out;
}

/** The code spans of a line of prose, with what follows each one on the line. */
export function codeSpans(line: string): { code: string; after: string }[] {
  const spans: { code: string; after: string }[] = [];
  const re = /(`+)(.+?)\1(?!`)/g;
  for (let m; (m = re.exec(line)); ) spans.push({ code: m[2]!.trim(), after: line.slice(m.index + m[0].length) });
  return spans;
}

/** A line of prose without its code spans, so that a link inside backticks is not taken for one. */
export function withoutCode(line: string): string {
  return line.replace(/(`+)(.+?)\1(?!`)/g, (m) => ' '.repeat(m.length));
}

/**
 * The anchors GitHub gives a page's headings: the heading's text as rendered (code spans and emphasis lose
 * their markers, a link keeps its text) in lower case, every character that is not a letter, a digit, a
 * space, `-` or `_` dropped, spaces turned into `-`; a repeated slug gets `-1`, `-2`, ... Explicit anchors
 * (`<a name="x">`, `id="x"`) count too.
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of docLines(text)) {
    if (line.fence !== null) continue;
    for (const m of line.text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line.text);
    if (!heading) continue;
    const rendered = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]/g, '');
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The link targets of a page (inline links and images, and reference definitions), with their lines. */
export function linkTargets(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const line of docLines(text)) {
    if (line.fence !== null) continue;
    const prose = withoutCode(line.text);
    for (const m of prose.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: line.number, target: m[1]! });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (definition) links.push({ line: line.number, target: definition[1]! });
  }
  return links;
}
