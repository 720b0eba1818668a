import type { JobView } from '../sync/job.js';
import { href, html, type Html } from './html.js';
import { kindTitle } from './live-lookup.js';
import { OBJECT_STATUSES, STATUS_LABEL } from './object-status.js';
import { count, cyclesTable, duration, page, relative, resultBadge, timeTag, type PageContext } from './page-parts.js';
import type { DashboardSources, ObjectIndex } from './types.js';

/** Cycles on the overview; /cycles lists every one the job keeps. */
const RECENT_CYCLES = 15;

/**
 * `/`: what an ad-ops manager checks first. Is Xandr equal to git (the state per kind, each count a link to
 * those objects), what did the last cycles do, when is the next one, and how much of today's read budget
 * has gone.
 */
export function overviewPage(view: JobView, index: ObjectIndex | null, sources: DashboardSources, context: PageContext): string {
  const latest = view.cycles[0] ?? null;
  const body = html`<div class="page-head"><h1>Overview</h1><span class="sub">${latest ? html`last cycle ${timeTag(latest.finished_at)} (${relative(latest.finished_at, context.now)})` : 'waiting for the first cycle'}</span></div>
${latest?.failure ? html`<div class="notice bad"><strong>Cycle #${latest.cycle} failed at ${latest.failure.stage}:</strong> ${latest.failure.message}</div>` : ''}
<div class="cards">
${stateCard(index)}
${lastCycleCard(view)}
${nextCycleCard(sources, context.now)}
${budgetCard(sources, context.now)}
</div>
<section class="card"><h2>Last cycles</h2>${cyclesTable(view.cycles.slice(0, RECENT_CYCLES), context.now)}
${view.cycles.length > RECENT_CYCLES ? html`<p><a href="/cycles">All ${view.cycles.length} kept cycles</a></p>` : ''}</section>`;
  return page('Overview', 'overview', context, body);
}

function stateCard(index: ObjectIndex | null): Html {
  if (!index) return html`<section class="card wide" id="state"><h2>Current state</h2><p class="muted">No cycle has read Xandr yet.</p></section>`;
  const kinds = [...index.counts.keys()];
  const cell = (n: number, query: Record<string, string>) => (n === 0 ? html`<span class="zero">0</span>` : html`<a href="${href(['objects'], query)}">${count(n)}</a>`);
  const totals = Object.fromEntries(OBJECT_STATUSES.map((s) => [s, kinds.reduce((n, k) => n + index.counts.get(k)![s], 0)]));
  return html`<section class="card wide" id="state"><h2>Current state <span class="muted">(as of cycle #${index.report.cycle})</span></h2>
<table class="state-grid">
<thead><tr><th>Kind</th>${OBJECT_STATUSES.map((s) => html`<th class="num"><span class="badge ${s}">${STATUS_LABEL[s]}</span></th>`)}<th class="num">All</th></tr></thead>
<tbody>${kinds.map((kind) => {
    const perStatus = index.counts.get(kind)!;
    const all = OBJECT_STATUSES.reduce((n, s) => n + perStatus[s], 0);
    return html`<tr data-kind="${kind}"><td>${kindTitle(kind)}</td>${OBJECT_STATUSES.map((s) => html`<td class="num" data-status="${s}">${cell(perStatus[s], { kind, status: s })}</td>`)}<td class="num">${cell(all, { kind })}</td></tr>`;
  })}
<tr><td><strong>All kinds</strong></td>${OBJECT_STATUSES.map((s) => html`<td class="num" data-status="${s}">${cell(totals[s]!, { status: s })}</td>`)}<td class="num">${cell(index.entries.length, {})}</td></tr>
</tbody></table></section>`;
}

function lastCycleCard(view: JobView): Html {
  const last = view.cycles[0];
  if (!last) return html`<section class="card"><h2>Last cycle</h2><p class="muted">None yet.</p><p>${view.readiness.reason}</p></section>`;
  return html`<section class="card" id="last-cycle"><h2>Last cycle</h2>
<p class="big"><a href="${href(['cycles', last.cycle])}">#${last.cycle}</a> ${resultBadge(last)}</p>
<p class="muted">mode ${last.mode} · ${duration(last.duration_ms)} · ${count(last.calls.reads)} reads, ${count(last.calls.writes)} writes</p>
<p>Readiness: <span class="badge ${view.readiness.ready ? 'ok' : 'failed'}">${view.readiness.ready ? 'ready' : 'not ready'}</span> <span class="muted">${view.readiness.reason}</span></p></section>`;
}

function nextCycleCard(sources: DashboardSources, now: number): Html {
  const schedule = sources.schedule();
  if (!schedule) return html`<section class="card" id="next-cycle"><h2>Next cycle</h2><p class="muted">None: this job runs once (--once).</p></section>`;
  const next = schedule.next?.toISOString() ?? null;
  return html`<section class="card" id="next-cycle"><h2>Next cycle</h2>
<p class="big">${next ? relative(next, now) : 'not scheduled'}</p>
<p>${timeTag(next)}</p>
<p class="muted">schedule <code>${schedule.expression}</code> (node-cron, the job's time zone)</p></section>`;
}

/** Today is the job's local day (its TZ, as the schedule), from midnight. */
function budgetCard(sources: DashboardSources, now: number): Html {
  const perMinute = sources.readsPerMinute();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const reads = sources.readsSince(midnight.getTime());
  if (perMinute === null) return html`<section class="card" id="read-budget"><h2>Read budget today</h2><p class="big">${count(reads)} reads</p><p class="muted">The budget is known once the job has connected.</p></section>`;
  const day = perMinute * 1440;
  const share = day > 0 ? reads / day : 0;
  return html`<section class="card" id="read-budget"><h2>Read budget today</h2>
<p class="big">${percent(share)}</p>
<meter min="0" max="${day}" value="${Math.min(reads, day)}" low="${day * 0.5}" high="${day * 0.8}" optimum="0">${percent(share)}</meter>
<p><span data-reads="${reads}">${count(reads)}</span> of ${count(day)} reads <span class="muted">(${count(perMinute)} per minute × 1,440 minutes, since ${timeTag(midnight.toISOString())})</span></p></section>`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 2 : 1)} %`;
}
