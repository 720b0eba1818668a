import type { Action, Plan, PlanError } from '../plan/types.js';
import { inertInline } from '../core/inert.js';
import type { RenderOptions, Sink } from './types.js';
import { plainStyle, type Style } from './style.js';
import { ACTION_SIGN, describeChanges, driftText, impactText, liveLabel, requestLine } from './values.js';

/** The plan for a terminal or a log, Terraform-like: one block per action, then one summary line. */
export function renderPlanText(plan: Plan, out: Sink, options: RenderOptions): void {
  const style = options.style ?? plainStyle;
  const write = (line = '') => out.write(`${line}\n`);
  if (plan.errors.length > 0) {
    for (const error of plan.errors) write(style.red(formatPlanError(error)));
    write();
    write(style.red(`Plan failed: ${plan.errors.length} error${plural(plan.errors.length)}. Nothing will be written to Xandr.`));
    return;
  }
  // The risk summary comes before any detail: what a reviewer must weigh, in a few lines.
  const risks = plan.risks ?? [];
  if (plan.actions.length > 0 && risks.length > 0) {
    write(style.bold(style.yellow(`Risk summary (${risks.length}):`)));
    for (const risk of risks) write(style.yellow(`  ! ${inertInline(risk)}`));
    write();
  }
  if (plan.actions.length > 0) {
    write(`xandr-sync will make these changes (${targetLabel(plan)}):`);
    write();
    for (const action of plan.actions) renderAction(action, write, style, plan.created_at);
  }
  if (plan.attribution?.note) write(style.dim(`Attribution: ${inertInline(plan.attribution.note)}`));
  for (const warning of plan.warnings) write(style.yellow(`Warning: ${inertInline(warning)}`));
  if (plan.warnings.length) write();
  // Deletes and deactivations come only from prune: the last thing a reviewer reads before the summary.
  const { delete: deletes, deactivate: deactivates } = plan.summary;
  if (deletes + deactivates > 0) {
    const what = [deletes ? `DELETES ${deletes}` : '', deactivates ? `deactivates ${deactivates}` : ''].filter(Boolean).join(' and ');
    write(style.bold(style.red(`Prune ${what} object${plural(deletes + deactivates)} that no manifest describes (listed above). Review them before applying.`)));
  }
  if (plan.scope) write(style.dim(scopeLine(plan.scope)));
  write(summaryLine(plan, style));
}

/** The one line that says a plan covers a change only (`--changed-since`). */
export function scopeLine(scope: NonNullable<Plan['scope']>): string {
  const n = scope.objects.length;
  return `Scoped to the ${n} object${plural(n)} whose manifests changed since ${scope.changed_since} (${scope.commit.slice(0, 12)}); drift on other objects is the drift check's business (xandr-sync sync --mode detect).`;
}

function renderAction(action: Action, write: (line?: string) => void, style: Style, createdAt: string): void {
  const sign = ACTION_SIGN[action.action];
  const colour = sign === '+' ? style.green : sign === '-' ? style.red : style.yellow;
  const what = liveLabel(action);
  // Addresses of prune actions, values and warnings carry names from Xandr: inert (core/inert.ts).
  write(`  ${colour(`${sign} ${action.action}`)} ${style.bold(inertInline(action.address))}${what ? style.dim(`  (${what})`) : ''}`);
  write(style.dim(`      ${inertInline(requestLine(action))}${action.depends_on.length ? `  after ${inertInline(action.depends_on.join(', '))}` : ''}`));
  const lines = describeChanges(action).map((l) => ({ ...l, label: inertInline(l.label), before: inertInline(l.before ?? ''), after: inertInline(l.after ?? '') }));
  // Aligned within an action; a label past 64 characters (a long pixel address) gets its own width.
  const width = Math.min(64, Math.max(0, ...lines.map((l) => l.label.length)));
  for (const line of lines) {
    const label = line.label.padEnd(width);
    const lineColour = line.sign === '+' ? style.green : line.sign === '-' ? style.red : style.yellow;
    if (line.sign === '~') write(`      ${lineColour('~')} ${label}  ${line.before} -> ${line.after}`);
    else if (line.sign === '+') write(`      ${lineColour('+')} ${label}  ${line.after}`);
    else write(`      ${lineColour('-')} ${label}  ${style.dim(`(was ${line.before})`)}`);
  }
  if (action.impact) write(style.dim(`      = ${inertInline(impactText(action.impact.line_item, createdAt))}`));
  if (action.drift) write(`      ${style.yellow(`? ${inertInline(driftText(action.drift))}`)}`);
  for (const warning of action.warnings) write(`      ${style.yellow(`! ${inertInline(warning)}`)}`);
  write();
}

function summaryLine(plan: Plan, style: Style): string {
  const s = plan.summary;
  if (plan.actions.length === 0 && s.unselected) {
    return style.yellow(
      `No changes among what was selected, but ${s.unselected} other change${plural(s.unselected)} ${s.unselected === 1 ? 'is' : 'are'} pending outside it: plan without --target/--exclude to see ${s.unselected === 1 ? 'it' : 'them'}.`,
    );
  }
  if (plan.actions.length === 0) {
    return style.green(`No changes. Xandr matches the manifests (${s.unchanged} object${plural(s.unchanged)} checked, ${s.reads} read${plural(s.reads)}).`);
  }
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.adopt) parts.push(`${s.adopt} to adopt`);
  if (s.rename) parts.push(`${s.rename} to rename`);
  if (s.deactivate) parts.push(`${s.deactivate} to deactivate`);
  parts.push(`${s.delete} to delete`);
  return `${style.bold('Plan:')} ${parts.join(', ')}; ${s.unchanged} unchanged. ${s.reads} read${plural(s.reads)}, ${s.writes} write${plural(s.writes)}.`;
}

export function formatPlanError(error: PlanError): string {
  const where = error.file ? `${inertInline(error.file)}:${error.line ?? 1}:${error.column ?? 1}: ` : '';
  return `${where}error ${error.code} ${inertInline(error.message)}`;
}

export function targetLabel(plan: Plan): string {
  return plan.target.kind === 'sandbox' ? `embedded sandbox, member ${plan.target.member_id}` : `${plan.target.api_url}, member ${plan.target.member_id}`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
