import type { CycleReport } from '../sync/types.js';
import { html, type Html } from './html.js';
import { outcomeText, planHtml } from './plan-html.js';
import { commitCell, count, cyclesTable, duration, objectLink, page, relative, resultBadge, timeTag, type PageContext } from './page-parts.js';

/** `/cycles/<n>`: what one cycle saw, planned and did, and where it stopped. */
export function cyclePage(report: CycleReport, context: PageContext): string {
  const outcomes = new Map((report.apply?.outcomes ?? []).map((o) => [o.address, o]));
  const body = html`<div class="crumbs"><a href="/cycles">Cycles</a></div>
<div class="page-head"><h1>Cycle #${report.cycle}</h1>${resultBadge(report)}<span class="sub">${timeTag(report.started_at)} (${relative(report.started_at, context.now)}) · ${duration(report.duration_ms)}</span></div>
<div class="cards">
<section class="card"><h2>Source</h2><dl class="facts">
<dt>Repository</dt><dd><code>${report.source.repo}</code></dd>
<dt>Ref</dt><dd><code>${report.source.ref}</code></dd>
<dt>Commit</dt><dd>${commitCell(report)}</dd>
${report.source.committed_at ? html`<dt>Committed</dt><dd>${timeTag(report.source.committed_at)}</dd>` : ''}
</dl></section>
<section class="card"><h2>Run</h2><dl class="facts">
<dt>Mode</dt><dd>${report.mode}</dd>
<dt>Finished</dt><dd>${timeTag(report.finished_at)}</dd>
<dt>API calls</dt><dd>${count(report.calls.reads)} reads${report.calls.read_mode ? ` (${report.calls.read_mode})` : ''}, ${count(report.calls.writes)} writes, ${count(report.calls.logins)} logins</dd>
</dl></section>
</div>
${report.failure ? failureCard(report) : ''}
<section class="card" id="plan"><h2>Plan</h2>${report.plan ? planHtml(report.plan, outcomes) : html`<p class="muted">No plan: the cycle stopped before planning.</p>`}</section>
${report.apply ? applyCard(report) : ''}`;
  return page(`Cycle #${report.cycle}`, 'cycles', context, body);
}

function failureCard(report: CycleReport): Html {
  const failure = report.failure!;
  return html`<section class="card" id="failure"><h2 class="error">Failed at ${failure.stage}</h2>
<p class="change">${failure.message}</p>
${failure.holder ? html`<p>The apply lock is held by pid ${failure.holder.pid} on ${failure.holder.host} since ${timeTag(failure.holder.started_at)}: <code>${failure.holder.command}</code></p>` : ''}
${failure.diagnostics?.length ? html`<ul class="plain">${failure.diagnostics.map((d) => html`<li class="change error">${d}</li>`)}</ul>` : ''}</section>`;
}

function applyCard(report: CycleReport): Html {
  const apply = report.apply!;
  return html`<section class="card" id="apply"><h2>Apply: ${apply.ok ? 'complete' : 'incomplete'} (${apply.done} done, ${apply.failed} failed, ${apply.skipped} skipped)</h2>
${apply.outcomes.length === 0 ? html`<p class="muted">Nothing to apply.</p>` : html`<table><thead><tr><th>Outcome</th><th>Action</th><th>Address</th><th>Wave</th></tr></thead><tbody>${apply.outcomes.map(
    (o) => html`<tr><td>${outcomeText(o)}</td><td>${o.action}</td><td class="wrap">${objectLink(o.address)}</td><td>${o.wave}</td></tr>`,
  )}</tbody></table>`}</section>`;
}

/** `/cycles`: every cycle the job keeps, newest first. */
export function cyclesPage(cycles: readonly CycleReport[], context: PageContext): string {
  return page('Cycles', 'cycles', context, html`<div class="page-head"><h1>Cycles</h1><span class="sub">the last ${cycles.length} kept by this process, newest first</span></div><section class="card">${cyclesTable(cycles, context.now)}</section>`);
}

export function notFoundPage(what: string, context: PageContext): string {
  return page('Not found', null, context, html`<div class="page-head"><h1>Not found</h1></div><div class="notice bad">${what}</div><p><a href="/">Overview</a> · <a href="/objects">Objects</a> · <a href="/cycles">Cycles</a></p>`);
}

export function badRequestPage(what: string, context: PageContext): string {
  return page('Bad request', null, context, html`<div class="page-head"><h1>Bad request</h1></div><div class="notice bad">${what}</div><p><a href="/objects">All objects</a></p>`);
}
