import type { Action, Plan } from '../plan/types.js';
import { clip, codeSpan, escapeCell, escapeInline, fitMarkdown, type MarkdownSection } from './markdown-fit.js';
import { formatPlanError, scopeLine, targetLabel } from './plan-text.js';
import type { RenderOptions, Sink } from './types.js';
import { describeChanges, driftText, impactText, liveLabel, requestLine } from './values.js';

/** GitHub refuses comments over 65,536 characters; the default leaves room for a marker and a footer. */
export const DEFAULT_MARKDOWN_LIMIT = 60_000;

const KIND_TITLES: Record<Action['kind'], string> = {
  Segment: 'Segments',
  ConversionPixel: 'Conversion pixels',
  LineItemPixels: 'Line-item pixels',
  LineItemSegments: 'Line-item segments',
};

/** A value or a warning longer than this is clipped: one huge field must not push every other row out. */
const MAX_TEXT = 300;
/** Change lines shown per row; a line item with 400 pixel changes still gets one readable row. */
const MAX_CHANGES_PER_ROW = 20;

/**
 * The plan for a pull-request comment or a step summary: a one-line summary first, then the risk summary
 * and the warnings a reviewer must see (unfolded), then the details per kind folded in <details>. Past `maxLength` whole rows
 * are dropped from the end (tables keep their header, every <details> is closed) and a note says what was
 * left out.
 */
export function renderPlanMarkdown(plan: Plan, sink: Sink, options: RenderOptions): void {
  sink.write(planMarkdown(plan, options));
}

function planMarkdown(plan: Plan, options: RenderOptions): string {
  const limit = options.maxLength ?? DEFAULT_MARKDOWN_LIMIT;
  const head = [headline(plan, options), ''];
  // The risk summary opens the comment, before any detail (it is short: one line per kind of risk).
  const summary = plan.errors.length ? [] : (plan.risks ?? []);
  if (summary.length > 0) head.push('**Risk summary**', '', ...summary.map((r) => `- ⚠️ ${escapeInline(clip(r, MAX_TEXT * 3))}`), '');
  head.push(contextLine(plan), '');
  if (plan.attribution?.note) head.push(`_Attribution: ${escapeInline(clip(plan.attribution.note, MAX_TEXT))}_`, '');
  if (plan.scope) head.push(`_${escapeInline(scopeLine(plan.scope))}_`, '');
  const note = (shown: number, total: number, omitted: string[]) =>
    `> **Truncated** to stay within GitHub's size limit: ${shown} of ${total} lines are shown.${omitted.length ? ` Not shown: ${omitted.map(escapeInline).join('; ')}.` : ''} Run \`xandr-sync plan\` locally, or download the saved plan, for the full list.`;
  if (plan.errors.length > 0) {
    head.push(`**Plan failed with ${plan.errors.length} error(s); nothing will be written to Xandr.**`, '');
    const errors = plan.errors.map((e) => `- ${escapeInline(clip(formatPlanError(e), MAX_TEXT * 3))}`);
    return fitMarkdown(head, [{ title: null, rows: errors }], { limit, note });
  }
  const sections: MarkdownSection[] = [];
  const warnings = warningLines(plan);
  if (warnings.length > 0) sections.push({ title: `Warnings (${warnings.length})`, rows: warnings, open: true });
  for (const kind of Object.keys(KIND_TITLES) as Action['kind'][]) {
    const actions = plan.actions.filter((a) => a.kind === kind);
    if (actions.length === 0) continue;
    sections.push({ title: `${KIND_TITLES[kind]}: ${countsText(actions)}`, columns: ['Action', 'Address', 'Object', 'Changes'], rows: actions.map((a) => row(a, plan.created_at)) });
  }
  return fitMarkdown(head, sections, { limit, note });
}

function warningLines(plan: Plan): string[] {
  return [
    ...plan.warnings.map((w) => `- ${escapeInline(clip(w, MAX_TEXT * 3))}`),
    ...plan.actions.flatMap((a) => a.warnings.map((w) => `- ${codeSpan(a.address)}: ${escapeInline(clip(w, MAX_TEXT * 3))}`)),
  ];
}

function headline(plan: Plan, options: RenderOptions): string {
  const s = plan.summary;
  if (plan.errors.length > 0) return '### xandr-sync plan: failed';
  if (plan.actions.length === 0 && s.unselected) return `### xandr-sync plan: no changes selected (${s.unselected} pending outside --target/--exclude)`;
  if (plan.actions.length === 0) return `### xandr-sync plan: no changes (${count(s.unchanged, 'object')} checked, ${count(s.reads, 'read')})`;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.adopt) parts.push(`${s.adopt} to adopt`);
  if (s.rename) parts.push(`${s.rename} to rename`);
  if (s.deactivate) parts.push(`${s.deactivate} to deactivate`);
  parts.push(`${s.delete} to delete`);
  const perKind = (Object.keys(KIND_TITLES) as Action['kind'][])
    .map((kind) => [kind, plan.actions.filter((a) => a.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const estimate = options.writesPerMinute ? `, about ${formatDuration(estimateApplyMs(s.writes, options.writesPerMinute))} at ${options.writesPerMinute} writes/min` : '';
  const warnings = plan.warnings.length + plan.actions.reduce((n, a) => n + a.warnings.length, 0);
  const riskText = warnings ? ` · ⚠️ ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  return `### xandr-sync plan: ${parts.join(', ')} (${perKind}) · ${count(s.reads, 'read')}, ${count(s.writes, 'write')}${estimate}${riskText}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function contextLine(plan: Plan): string {
  const git = plan.source.git ? ` · commit \`${plan.source.git.commit.slice(0, 12)}\`${plan.source.git.dirty ? ' (uncommitted changes)' : ''}` : '';
  return `**Target:** ${escapeInline(targetLabel(plan))}${git} · ${plan.summary.unchanged} unchanged`;
}

function row(action: Action, createdAt: string): string {
  const lines = describeChanges(action).map((line) =>
    line.sign === '~' ? `${line.label}: ${line.before} → ${line.after}` : line.sign === '+' ? `+ ${line.label}: ${line.after}` : `− ${line.label} (was ${line.before})`,
  );
  const shown = lines.slice(0, MAX_CHANGES_PER_ROW).map((l) => clip(l, MAX_TEXT));
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more changes`);
  const object = [liveLabel(action) || '(new)', ...(action.impact ? [clip(impactText(action.impact.line_item, createdAt), MAX_TEXT)] : [])];
  const drift = action.drift ? [`⟲ ${clip(driftText(action.drift), MAX_TEXT)}`] : [];
  const cells = [
    action.action,
    codeSpan(action.address),
    object.map(escapeCell).join('<br>'),
    [requestLine(action), ...drift, ...shown].map(escapeCell).join('<br>'),
  ];
  return `| ${cells.join(' | ')} |`;
}

function countsText(actions: Action[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} to ${action}`).join(', ');
}

/** Apply takes about one window per `writesPerMinute` writes (the first batch goes at once). */
function estimateApplyMs(writes: number, writesPerMinute: number): number {
  if (writes <= writesPerMinute) return writes * 250;
  return Math.ceil(writes / writesPerMinute - 1) * 60_000 + writesPerMinute * 250;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
