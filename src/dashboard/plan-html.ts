import type { ActionOutcome } from '../apply/execute.js';
import { KINDS } from '../manifest/index.js';
import type { Action, Plan } from '../plan/types.js';
import { formatPlanError, targetLabel } from '../render/plan-text.js';
import { describeChanges, liveLabel, requestLine } from '../render/values.js';
import { html, type Html } from './html.js';
import { kindTitle } from './live-lookup.js';
import { count, objectLink } from './page-parts.js';

/**
 * The plan as HTML, with the content of the markdown plan (render/plan-markdown.ts) from the same models
 * (render/values.ts: change lines, request lines, object labels): a summary line, the target and commit,
 * the errors or the risks, then a table per kind. Nothing is cut: a page has no size limit to fit.
 */
export function planHtml(plan: Plan, outcomes: ReadonlyMap<string, ActionOutcome> = new Map()): Html {
  const s = plan.summary;
  const context = html`<p class="muted">Target: ${targetLabel(plan)}${plan.source.git ? html` · commit <code>${plan.source.git.commit.slice(0, 12)}</code>` : ''} · ${count(s.unchanged)} unchanged · ${count(s.reads)} reads, ${count(s.writes)} writes planned</p>`;
  if (plan.errors.length > 0) {
    return html`<p><strong class="error">Plan failed with ${plan.errors.length} error(s); nothing is written to Xandr.</strong></p>
${context}
<ul class="plain">${plan.errors.map((e) => html`<li class="error change">${e.address ? html`${objectLink(e.address)}: ` : ''}${formatPlanError(e)}</li>`)}</ul>`;
  }
  if (plan.actions.length === 0) {
    return html`<p><strong>No changes.</strong> Xandr matches the manifests.${s.unselected ? ` ${s.unselected} change(s) pending outside the selection.` : ''}</p>${context}`;
  }
  const risks = [...plan.warnings.map((w) => html`<li class="warning">${w}</li>`), ...plan.actions.flatMap((a) => a.warnings.map((w) => html`<li class="warning">${objectLink(a.address)}: ${w}</li>`))];
  const kinds = [...KINDS, ...new Set(plan.actions.map((a) => a.kind).filter((k) => !KINDS.includes(k)))];
  return html`<p><strong>${headline(plan)}</strong></p>
${context}
${risks.length ? html`<h2>Risks (${risks.length})</h2><ul>${risks}</ul>` : ''}
${kinds.map((kind) => {
  const actions = plan.actions.filter((a) => a.kind === kind);
  if (actions.length === 0) return '';
  return html`<h2>${kindTitle(kind)}: ${countsText(actions)}</h2>
<table class="plan">
<thead><tr><th>Action</th><th>Address</th><th>Object</th><th>Changes</th>${outcomes.size ? html`<th>Outcome</th>` : ''}</tr></thead>
<tbody>${actions.map((a) => actionRow(a, outcomes.get(a.address), outcomes.size > 0))}</tbody>
</table>`;
})}`;
}

function headline(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.adopt) parts.push(`${s.adopt} to adopt`);
  if (s.deactivate) parts.push(`${s.deactivate} to deactivate`);
  parts.push(`${s.delete} to delete`);
  return `Plan: ${parts.join(', ')}.`;
}

function countsText(actions: Action[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} to ${action}`).join(', ');
}

function actionRow(action: Action, outcome: ActionOutcome | undefined, withOutcome: boolean): Html {
  return html`<tr>
<td><span class="badge ${action.action === 'create' ? 'pending' : action.action === 'delete' ? 'failed' : 'drifted'}">${action.action}</span></td>
<td class="wrap">${objectLink(action.address)}</td>
<td>${liveLabel(action) || '(new)'}</td>
<td>${changeList(action)}</td>
${withOutcome ? html`<td>${outcomeText(outcome)}</td>` : ''}
</tr>`;
}

/** The request and one line per change, as the text and markdown plans word them. */
export function changeList(action: Action): Html {
  const lines = describeChanges(action).map((line) => {
    if (line.sign === '~') return html`<div><span class="sign-change">~</span> ${line.label}: ${line.before} → ${line.after}</div>`;
    if (line.sign === '+') return html`<div><span class="sign-add">+</span> ${line.label}: ${line.after}</div>`;
    return html`<div><span class="sign-remove">−</span> ${line.label} (was ${line.before})</div>`;
  });
  return html`<div class="change"><div class="muted">${requestLine(action)}</div>${lines}</div>`;
}

export function outcomeText(outcome: ActionOutcome | undefined): Html {
  if (!outcome) return html`<span class="muted">not applied</span>`;
  const detail = outcome.status === 'failed' ? (outcome.error?.message ?? '') : outcome.status === 'skipped' ? (outcome.reason ?? '') : outcome.id !== null ? `id ${outcome.id}` : '';
  return html`<span class="badge ${outcome.status}">${outcome.status}</span> <span class="muted">${detail}</span>`;
}
