import { href, html, type Html } from './html.js';
import { kindTitle, specOf } from './live-lookup.js';
import { changeList, outcomeText } from './plan-html.js';
import { cycleLink, jsonValue, objectLink, page, relative, statusBadge, timeTag, type PageContext } from './page-parts.js';
import type { LiveObject, ObjectEntry, ObjectIndex } from './types.js';

/** Live fields shown for every object besides those the manifest declares. */
const IDENTITY_FIELDS = ['id', 'code', 'state', 'last_modified'];

/**
 * `/objects/<address>`: one object as its manifest says and as Xandr has it, side by side, the fields that
 * differ marked (the plan's own changes decide which), the last plan action and its outcome, who changed it
 * (Xandr's Change Log, when the plan carries it) and what it is bound to.
 */
export function objectPage(index: ObjectIndex, entry: ObjectEntry, context: PageContext): string {
  const report = index.report;
  const body = html`<div class="crumbs"><a href="/objects">Objects</a> / <a href="${href(['objects'], { kind: entry.kind })}">${kindTitle(entry.kind)}</a></div>
<div class="page-head"><h1 id="address">${entry.address}</h1>${statusBadge(entry.status)}<span class="sub" id="reason">${entry.reason}</span></div>
<div class="cards">
<section class="card"><h2>Object</h2><dl class="facts">
<dt>Kind</dt><dd>${entry.kind}</dd>
<dt>Xandr id</dt><dd id="xandr-id">${entry.id ?? html`<span class="muted">none yet</span>`}</dd>
<dt>Advertiser</dt><dd>${entry.advertiserId === null ? 'member level' : html`${entry.advertiserId} ${advertiserName(index, entry.advertiserId)}`}</dd>
<dt>Manifest</dt><dd>${entry.manifest ? html`<code>${entry.manifest.source.file}:${entry.manifest.source.line}</code>` : html`<span class="muted">none (a live object the plan prunes)</span>`}</dd>
<dt>As of</dt><dd>cycle ${cycleLink(report)}, ${timeTag(report.finished_at)} <span class="muted">${relative(report.finished_at, context.now)}</span></dd>
</dl></section>
${changedByCard(entry, context.now)}
</div>
<h2>Desired and live</h2>
<div class="card">${sideBySide(entry)}</div>
<div class="side-by-side">
<section class="card" id="last-action"><h2>Last plan action</h2>${lastAction(entry, index)}</section>
<section class="card" id="bindings"><h2>Bindings</h2>${bindings(index, entry)}</section>
</div>`;
  return page(entry.address, 'objects', context, body);
}

function advertiserName(index: ObjectIndex, id: number): Html {
  const name = index.advertisers.find((a) => a.id === id)?.name;
  return name ? html`<span class="muted">${name}</span>` : html``;
}

function changedByCard(entry: ObjectEntry, now: number): Html {
  const drift = entry.action?.drift;
  const last = entry.lastChange;
  return html`<section class="card" id="changed-by"><h2>Who changed it</h2>
${last ? html`<dl class="facts"><dt>When</dt><dd>${timeTag(last.at)} <span class="muted">${relative(last.at, now)}</span></dd><dt>By</dt><dd>${last.by ?? html`<span class="muted">unknown</span>`}</dd>${last.via ? html`<dt>Through</dt><dd>${last.via}</dd>` : ''}</dl>` : html`<p class="muted">No change recorded.</p>`}
${drift && drift.changes.length ? html`<h2>Their changes</h2><table><thead><tr><th>Field</th><th>Was</th><th>Now</th></tr></thead><tbody>${drift.changes.map((c) => html`<tr><td><code>${c.field}</code></td><td>${jsonValue(c.old)}</td><td>${jsonValue(c.new)}</td></tr>`)}</tbody></table>` : ''}
${drift === null ? html`<p class="muted">Xandr's Change Log could not be read for this object.</p>` : ''}</section>`;
}

/**
 * One row per field: what the manifest declares, what Xandr has (the plan's view of the live object when it
 * planned a change, else the live object), marked when the plan changes that field.
 */
function sideBySide(entry: ObjectEntry): Html {
  const desired = entry.manifest ? specOf(entry.manifest) : {};
  const live = liveFields(entry);
  const changed = new Set((entry.action?.changes ?? []).map((c) => c.path.split('/')[1]!.replace(/~1/g, '/').replace(/~0/g, '~')));
  // Without a manifest (a live object the plan prunes) every live field is worth seeing.
  const shown = entry.manifest ? IDENTITY_FIELDS.filter((f) => live !== null && f in live) : Object.keys(live ?? {});
  const fields = [...new Set([...Object.keys(desired), ...shown, ...changed])];
  return html`<table class="side-by-side-table" id="fields">
<thead><tr><th>Field</th><th>Desired (git)</th><th>Live (Xandr)</th><th></th></tr></thead>
<tbody>${fields.map((field) => {
    const differs = changed.has(field);
    return html`<tr${differs ? html` class="differs"` : ''} data-field="${field}"><td><code>${field}</code></td><td class="wrap">${field in desired ? jsonValue(desired[field]) : html`<span class="muted">—</span>`}</td><td class="wrap">${live === null ? html`<span class="muted">does not exist</span>` : jsonValue(live[field])}</td><td>${differs ? html`<span class="badge drifted">differs</span>` : ''}</td></tr>`;
  })}</tbody>
</table>
${entry.manifest?.ignoreChanges.length ? html`<p class="muted">Not compared (ignore_changes): ${entry.manifest.ignoreChanges.join(', ')}</p>` : ''}`;
}

function liveFields(entry: ObjectEntry): Record<string, unknown> | null {
  const owned = entry.action?.live;
  const object: LiveObject | null = entry.live;
  if (!object && (owned === null || owned === undefined)) return null;
  return { ...(object ?? {}), ...(owned && typeof owned === 'object' && !Array.isArray(owned) ? owned : {}) };
}

function lastAction(entry: ObjectEntry, index: ObjectIndex): Html {
  const errors = entry.errors.map((e) => html`<p class="error">${e.code}: ${e.message}</p>`);
  if (!entry.action) return html`${errors}<p class="muted">${errors.length ? 'Nothing was planned.' : `No change was needed in cycle #${index.report.cycle}.`}</p>`;
  const action = entry.action;
  return html`${errors}<p><span class="badge ${action.action === 'create' ? 'pending' : 'drifted'}">${action.action}</span> in cycle ${cycleLink(index.report)} (wave ${action.wave}): ${outcomeText(entry.outcome ?? undefined)}</p>
<h2>Field diff</h2>${changeList(action)}
${action.warnings.length ? html`<ul>${action.warnings.map((w) => html`<li class="warning">${w}</li>`)}</ul>` : ''}
${action.impact ? html`<p class="muted">Line item ${action.impact.line_item.id} ${action.impact.line_item.name ?? ''}: ${action.impact.line_item.state ?? 'state unknown'}, ${action.impact.line_item.line_item_type ?? ''}${action.impact.line_item.goal_pixel ? ', optimises to this pixel' : ''}</p>` : ''}`;
}

/**
 * Pixel <-> line items and segment <-> line items: the managed objects whose spec names this one (and, for
 * a pixel, the line items Xandr says use it), or, for a line-item kind, what its spec names.
 */
function bindings(index: ObjectIndex, entry: ObjectEntry): Html {
  const { references } = index;
  const rows: Html[] = [];
  if (entry.kind === 'Segment' || entry.kind === 'ConversionPixel') {
    for (const referrer of references.referrers(entry)) rows.push(html`<li>${objectLink(referrer.address)} <span class="muted">(in git)</span></li>`);
    if (entry.kind === 'ConversionPixel' && entry.id !== null) {
      const liveItems = new Map<number, string | null>();
      for (const item of index.live.lineItems) if (item.pixels?.some((p) => p.id === entry.id)) liveItems.set(item.id, item.name);
      // The pixel's own read-only `line_items` (conversion-pixel-service.md), in case a line item was not read.
      for (const item of idsAndNames(entry.live?.line_items)) if (!liveItems.has(item.id)) liveItems.set(item.id, item.name);
      for (const [id, name] of liveItems) rows.push(html`<li>line item ${id}${name ? html` <span class="muted">${name}</span>` : ''} <span class="muted">(in Xandr)</span></li>`);
    }
  } else {
    for (const { reference, entry: target } of references.targets(entry)) {
      const noun = reference.kind === 'Segment' ? 'segment' : 'pixel';
      rows.push(target ? html`<li>${objectLink(target.address)}</li>` : html`<li>${noun} ${reference.id ?? reference.name} <span class="muted">(not managed here)</span></li>`);
    }
    for (const sibling of references.sameLineItem(entry)) rows.push(html`<li>${objectLink(sibling.address)} <span class="muted">(same line item)</span></li>`);
    if (entry.live) {
      const ids = idsAndNames(entry.live.pixels).map((p) => p.id);
      if (ids.length) rows.push(html`<li class="muted">In Xandr the line item has pixels ${ids.map((id, i) => html`${i ? ', ' : ''}${pixelLink(index, id)}`)}</li>`);
    }
  }
  return rows.length ? html`<ul class="plain">${rows}</ul>` : html`<p class="muted">None.</p>`;
}

function pixelLink(index: ObjectIndex, id: number): Html {
  const managed = index.references.byId('ConversionPixel', id);
  return managed ? html`<a href="${href(['objects', managed.address])}">${id}</a>` : html`${id}`;
}

/** `[{id, name?}]` from a live object's field, whatever else it holds. */
function idsAndNames(value: unknown): { id: number; name: string | null }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => (item && typeof item === 'object' && typeof item.id === 'number' ? [{ id: item.id as number, name: typeof item.name === 'string' ? item.name : null }] : []));
}
