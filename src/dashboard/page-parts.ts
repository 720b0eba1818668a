import type { CycleReport } from '../sync/types.js';
import { href, html, type Html } from './html.js';
import { xandrTime } from './object-index.js';
import { STATUS_LABEL, type ObjectStatus } from './object-status.js';

/** The pieces every page uses. All text goes through `html`, so nothing here escapes by hand. */

type Section = 'overview' | 'objects' | 'cycles';

export interface PageContext {
  now: number;
  /** The latest cycle's target, for the header (null before the first plan). */
  target: string | null;
}

export function page(title: string, section: Section | null, context: PageContext, body: Html): string {
  const link = (to: Section, path: string, text: string) => html`<a href="${path}"${section === to ? html` aria-current="page"` : ''}>${text}</a>`;
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · xandr-sync</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/"><img src="/assets/favicon.svg" alt="">xandr-sync</a>
  <nav>${link('overview', '/', 'Overview')}${link('objects', '/objects', 'Objects')}${link('cycles', '/cycles', 'Cycles')}</nav>
  <div class="target">${context.target ?? 'no plan yet'}</div>
</header>
<main>
${body}
</main>
<footer>Read-only. Shown at ${timeTag(new Date(context.now).toISOString())}.</footer>
</body>
</html>`}\n`;
}

/** A time from the server in UTC; the page's script shows it in the reader's time zone. */
export function timeTag(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const ms = xandrTime(iso);
  if (!Number.isFinite(ms)) return html`${iso}`;
  const utc = new Date(ms).toISOString();
  return html`<time datetime="${utc}">${utc.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

/** `3 min ago`, `in 2 h`: coarse, from the server's clock. */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const ms = xandrTime(iso);
  if (!Number.isFinite(ms)) return '';
  const delta = ms - now;
  const abs = Math.abs(delta);
  const text =
    abs < 45_000 ? `${Math.round(abs / 1000)} s` : abs < 90 * 60_000 ? `${Math.round(abs / 60_000)} min` : abs < 48 * 3_600_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 90_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function statusBadge(status: ObjectStatus, title?: string): Html {
  return html`<span class="badge ${status}"${title ? html` title="${title}"` : ''}>${STATUS_LABEL[status]}</span>`;
}

const RESULT_LABEL: Record<CycleReport['result'], string> = { in_sync: 'in sync', applied: 'applied', drift: 'drift', failed: 'failed', cancelled: 'cancelled' };

export function resultBadge(report: CycleReport): Html {
  const title = report.failure ? `failed at ${report.failure.stage}: ${report.failure.message}` : undefined;
  return html`<span class="badge ${report.result === 'in_sync' ? 'ok' : report.result}"${title ? html` title="${title}"` : ''}>${RESULT_LABEL[report.result]}${report.failure ? ` (${report.failure.stage})` : ''}</span>`;
}

/** The commit a cycle saw: its short id and subject, or why there is none. */
export function commitCell(report: CycleReport): Html {
  const { commit, subject } = report.source;
  if (!commit) return html`<span class="muted">not fetched</span>`;
  return html`<code title="${commit}">${commit.slice(0, 12)}</code> ${subject ?? ''}`;
}

export function cycleLink(report: CycleReport): Html {
  return html`<a href="${href(['cycles', report.cycle])}">#${report.cycle}</a>`;
}

export function objectLink(address: string): Html {
  return html`<a href="${href(['objects', address])}">${address}</a>`;
}

/** A JSON value on one line, for a table cell (strings quoted, so an empty string is visible). */
export function jsonValue(value: unknown): Html {
  if (value === undefined) return html`<span class="muted">(unset)</span>`;
  return html`<code>${JSON.stringify(value)}</code>`;
}

/** The cycles table of the overview and of /cycles. */
export function cyclesTable(cycles: readonly CycleReport[], now: number): Html {
  if (cycles.length === 0) return html`<p class="muted">No cycle has finished yet.</p>`;
  return html`<table class="cycles">
<thead><tr><th>Cycle</th><th>Started</th><th>Commit</th><th>Mode</th><th>Result</th><th class="num">Reads</th><th class="num">Writes</th><th class="num">Duration</th></tr></thead>
<tbody>${cycles.map(
    (c) => html`<tr>
<td>${cycleLink(c)}</td>
<td>${timeTag(c.started_at)} <span class="muted">${relative(c.started_at, now)}</span></td>
<td class="wrap">${commitCell(c)}</td>
<td>${c.mode}</td>
<td>${resultBadge(c)}</td>
<td class="num">${count(c.calls.reads)}${c.calls.read_mode === 'incremental' ? html` <span class="muted" title="incremental read">inc.</span>` : ''}</td>
<td class="num">${count(c.calls.writes)}</td>
<td class="num">${duration(c.duration_ms)}</td>
</tr>`,
  )}</tbody>
</table>`;
}
