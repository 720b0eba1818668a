import type { Kind } from '../manifest/types.js';
import { href, html, type Html } from './html.js';
import { kindTitle } from './live-lookup.js';
import { OBJECT_STATUSES, STATUS_LABEL, type ObjectStatus } from './object-status.js';
import { count, page, relative, statusBadge, timeTag, type PageContext } from './page-parts.js';
import type { ObjectEntry, ObjectIndex } from './types.js';

const PAGE_SIZES = [25, 50, 100, 200] as const;
const DEFAULT_PAGE_SIZE = 50;

interface ObjectFilter {
  kind: Kind | null;
  status: ObjectStatus | null;
  /** An advertiser id, 'member' for member-level segments, or null for all. */
  advertiser: number | 'member' | null;
  /** Part of the address, ignoring case. */
  q: string;
  page: number;
  perPage: number;
}

/** A query parameter the page cannot use: answered with 400 and this text. */
export class FilterError extends Error {}

/** Reads the query string; an unknown kind or status, or a page that is not a number, is a 400. */
export function parseFilter(query: URLSearchParams, index: ObjectIndex | null): ObjectFilter {
  const one = (name: string) => {
    const value = query.get(name);
    return value === null || value === '' ? null : value;
  };
  const kinds = index ? [...index.counts.keys()] : [];
  const kind = one('kind');
  if (kind !== null && !kinds.includes(kind as Kind)) throw new FilterError(`kind must be one of ${kinds.join(', ') || '(none yet)'} (got '${kind}')`);
  const status = one('status');
  if (status !== null && !OBJECT_STATUSES.includes(status as ObjectStatus)) throw new FilterError(`status must be one of ${OBJECT_STATUSES.join(', ')} (got '${status}')`);
  const advertiserText = one('advertiser');
  let advertiser: ObjectFilter['advertiser'] = null;
  if (advertiserText === 'member') advertiser = 'member';
  else if (advertiserText !== null) {
    if (!/^\d{1,15}$/.test(advertiserText)) throw new FilterError(`advertiser must be an advertiser id or 'member' (got '${advertiserText}')`);
    advertiser = Number(advertiserText);
  }
  const pageText = one('page') ?? '1';
  if (!/^\d{1,9}$/.test(pageText) || Number(pageText) < 1) throw new FilterError(`page must be a whole number from 1 (got '${pageText}')`);
  const perPageText = one('per_page') ?? String(DEFAULT_PAGE_SIZE);
  const perPage = Number(perPageText);
  if (!(PAGE_SIZES as readonly number[]).includes(perPage)) throw new FilterError(`per_page must be one of ${PAGE_SIZES.join(', ')} (got '${perPageText}')`);
  return { kind: kind as Kind | null, status: status as ObjectStatus | null, advertiser, q: (one('q') ?? '').slice(0, 200), page: Number(pageText), perPage };
}

/** The entries a filter selects (one pass over the index, which is built once per cycle) and the page asked for. */
function selectObjects(index: ObjectIndex, filter: ObjectFilter): { rows: ObjectEntry[]; total: number; pages: number } {
  const q = filter.q.toLowerCase();
  const matches = index.entries.filter(
    (e) =>
      (filter.kind === null || e.kind === filter.kind) &&
      (filter.status === null || e.status === filter.status) &&
      (filter.advertiser === null || (filter.advertiser === 'member' ? e.advertiserId === null : e.advertiserId === filter.advertiser)) &&
      (q === '' || e.address.toLowerCase().includes(q)),
  );
  const pages = Math.max(1, Math.ceil(matches.length / filter.perPage));
  const start = (filter.page - 1) * filter.perPage;
  return { rows: matches.slice(start, start + filter.perPage), total: matches.length, pages };
}

export function objectsPage(index: ObjectIndex | null, filter: ObjectFilter, context: PageContext): string {
  if (!index) return page('Objects', 'objects', context, html`<div class="page-head"><h1>Objects</h1></div><p class="muted">No cycle has read Xandr yet.</p>`);
  const { rows, total, pages } = selectObjects(index, filter);
  const names = new Map(index.advertisers.map((a) => [a.id, a.name]));
  const query = (changes: Partial<Record<string, string | number | null>>) =>
    href(['objects'], { kind: filter.kind, status: filter.status, advertiser: filter.advertiser, q: filter.q, per_page: filter.perPage === DEFAULT_PAGE_SIZE ? null : filter.perPage, ...changes });
  const body = html`<div class="page-head"><h1>Objects</h1><span class="sub" id="total">${count(total)} of ${count(index.entries.length)} managed objects · cycle #${index.report.cycle}</span></div>
${filterForm(index, filter)}
<section class="card">
${rows.length === 0 ? html`<p class="muted" id="empty">No object matches these filters.</p>` : objectTable(rows, names, context.now)}
<div class="pager">
${filter.page > 1 ? html`<a rel="prev" href="${query({ page: filter.page - 1 })}">← Previous</a>` : html`<span class="off">← Previous</span>`}
<span id="page-of">page ${filter.page} of ${pages}</span>
${filter.page < pages ? html`<a rel="next" href="${query({ page: filter.page + 1 })}">Next →</a>` : html`<span class="off">Next →</span>`}
</div>
</section>`;
  return page('Objects', 'objects', context, body);
}

function filterForm(index: ObjectIndex, filter: ObjectFilter): Html {
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  const hasMemberLevel = index.entries.some((e) => e.advertiserId === null);
  return html`<form class="filters" method="get" action="/objects" data-filters>
<label>Kind<select name="kind" id="filter-kind">${option('', 'All kinds', filter.kind === null)}${[...index.counts.keys()].map((k) => option(k, kindTitle(k), filter.kind === k))}</select></label>
<label>Status<select name="status" id="filter-status">${option('', 'Any status', filter.status === null)}${OBJECT_STATUSES.map((s) => option(s, STATUS_LABEL[s], filter.status === s))}</select></label>
<label>Advertiser<select name="advertiser" id="filter-advertiser">${option('', 'All advertisers', filter.advertiser === null)}${hasMemberLevel ? option('member', 'Member level (no advertiser)', filter.advertiser === 'member') : ''}${index.advertisers.map((a) => option(String(a.id), `${a.id}${a.name ? ` · ${a.name}` : ''}`, filter.advertiser === a.id))}</select></label>
<label>Address contains<input type="search" name="q" id="filter-q" value="${filter.q}" placeholder="e.g. retargeting"></label>
<label>Per page<select name="per_page" id="filter-per-page">${PAGE_SIZES.map((n) => option(String(n), String(n), filter.perPage === n))}</select></label>
<button type="submit">Filter</button>
<a class="clear" href="/objects">Clear</a>
</form>`;
}

function objectTable(rows: ObjectEntry[], names: Map<number, string | null>, now: number): Html {
  return html`<table class="objects">
<thead><tr><th>Kind</th><th>Address</th><th>Advertiser</th><th>Status</th><th>Last change</th><th class="num">Xandr id</th></tr></thead>
<tbody>${rows.map(
    (e) => html`<tr data-address="${e.address}">
<td>${e.kind}</td>
<td class="wrap"><a href="${href(['objects', e.address])}">${e.address}</a></td>
<td>${e.advertiserId === null ? html`<span class="muted">member</span>` : html`${e.advertiserId}${names.get(e.advertiserId) ? html` <span class="muted">${names.get(e.advertiserId)}</span>` : ''}`}</td>
<td>${statusBadge(e.status, e.reason)}</td>
<td>${e.lastChange ? html`${timeTag(e.lastChange.at)} <span class="muted">${relative(e.lastChange.at, now)}</span>${e.lastChange.by ? html`<br>by ${e.lastChange.by}${e.lastChange.via ? html` <span class="muted">(${e.lastChange.via})</span>` : ''}` : ''}` : html`<span class="muted">—</span>`}</td>
<td class="num">${e.id ?? html`<span class="muted">—</span>`}</td>
</tr>`,
  )}</tbody>
</table>`;
}
