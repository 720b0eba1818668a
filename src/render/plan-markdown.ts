import type { Action, Plan } from '../plan/types.js';
import { formatPlanError, targetLabel } from './plan-text.js';
import { describeChanges, liveLabel, requestLine } from './values.js';

export interface MarkdownOptions {
  /** The write budget apply will run at, for the time estimate. */
  writesPerMinute?: number;
  /** GitHub refuses comments over 65,536 characters; stay well below. */
  maxLength?: number;
}

export const DEFAULT_MARKDOWN_LIMIT = 60_000;

const KIND_TITLES: Record<Action['kind'], string> = {
  Segment: 'Segments',
  ConversionPixel: 'Conversion pixels',
  LineItemPixels: 'Line-item pixels',
};

/**
 * The plan for a pull-request comment or a step summary: a one-line summary first, then the risks a
 * reviewer must see, then the details per kind folded in <details>. Past `maxLength` whole rows are
 * dropped from the end of the detail tables (each table stays well-formed) and the comment says so.
 */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MARKDOWN_LIMIT;
  const head = [headline(plan, options), '', contextLine(plan), ''];
  if (plan.errors.length > 0) {
    const lines = plan.errors.map((e) => `- ${escapeInline(formatPlanError(e))}`);
    return fit([...head, `**Plan failed with ${plan.errors.length} error(s); nothing will be written to Xandr.**`, ''], [{ title: null, rows: lines, table: false }], limit);
  }
  const risks = [...plan.warnings, ...plan.actions.flatMap((a) => a.warnings.map((w) => `\`${a.address}\`: ${w}`))];
  const sections: Section[] = [];
  if (risks.length > 0) sections.push({ title: `Risks (${risks.length})`, rows: risks.map((r) => `- ${escapeInline(r)}`), table: false, open: true });
  for (const kind of Object.keys(KIND_TITLES) as Action['kind'][]) {
    const actions = plan.actions.filter((a) => a.kind === kind);
    if (actions.length === 0) continue;
    sections.push({ title: `${KIND_TITLES[kind]}: ${countsText(actions)}`, rows: actions.map(row), table: true });
  }
  return fit(head, sections, limit);
}

interface Section {
  title: string | null;
  rows: string[];
  table: boolean;
  open?: boolean;
}

const TABLE_HEAD = ['| Action | Address | Object | Changes |', '|---|---|---|---|'];

function fit(head: string[], sections: Section[], limit: number): string {
  const out = [...head];
  let length = out.join('\n').length;
  const totalRows = sections.reduce((n, s) => n + s.rows.length, 0);
  let shownRows = 0;
  const reserve = 400; // room for the truncation note and closing tags
  for (const section of sections) {
    const open = section.title === null ? [] : [section.open ? '<details open>' : '<details>', `<summary>${escapeHtml(section.title)}</summary>`, ''];
    const close = section.title === null ? [''] : ['', '</details>', ''];
    const frame = [...open, ...(section.table ? TABLE_HEAD : [])];
    const frameLength = frame.join('\n').length + close.join('\n').length + 2;
    if (length + frameLength + reserve > limit) break;
    const rows: string[] = [];
    let used = length + frameLength;
    for (const r of section.rows) {
      if (used + r.length + 1 + reserve > limit) break;
      rows.push(r);
      used += r.length + 1;
    }
    if (rows.length === 0) break;
    out.push(...frame, ...rows, ...close);
    length = used;
    shownRows += rows.length;
    if (rows.length < section.rows.length) break;
  }
  if (shownRows < totalRows) {
    out.push(`> **Truncated:** ${shownRows} of ${totalRows} lines are shown, to stay within GitHub's comment size limit. Run \`xandr-sync plan\` locally, or download the saved plan, for the full list.`);
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function headline(plan: Plan, options: MarkdownOptions): string {
  const s = plan.summary;
  if (plan.errors.length > 0) return '### xandr-sync plan: failed';
  if (plan.actions.length === 0) return `### xandr-sync plan: no changes (${s.unchanged} objects checked, ${s.reads} reads)`;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.adopt) parts.push(`${s.adopt} to adopt`);
  if (s.deactivate) parts.push(`${s.deactivate} to deactivate`);
  parts.push(`${s.delete} to delete`);
  const perKind = (Object.keys(KIND_TITLES) as Action['kind'][])
    .map((kind) => [kind, plan.actions.filter((a) => a.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const estimate = options.writesPerMinute ? `, about ${formatDuration(estimateApplyMs(s.writes, options.writesPerMinute))} at ${options.writesPerMinute} writes/min` : '';
  return `### xandr-sync plan: ${parts.join(', ')} (${perKind}) · ${s.reads} reads, ${s.writes} writes${estimate}`;
}

function contextLine(plan: Plan): string {
  const git = plan.source.git ? ` · commit \`${plan.source.git.commit.slice(0, 12)}\`${plan.source.git.dirty ? ' (uncommitted changes)' : ''}` : '';
  return `**Target:** ${escapeInline(targetLabel(plan))}${git} · ${plan.summary.unchanged} unchanged`;
}

function row(action: Action): string {
  const changes = describeChanges(action).map((line) =>
    line.sign === '~' ? `${line.label}: ${line.before} → ${line.after}` : line.sign === '+' ? `+ ${line.label}: ${line.after}` : `− ${line.label} (was ${line.before})`,
  );
  const cells = [
    action.action,
    `\`${action.address}\``,
    liveLabel(action) || '(new)',
    [escapeCell(requestLine(action)), ...changes.map(escapeCell)].join('<br>'),
  ];
  return `| ${cells.join(' | ')} |`;
}

function countsText(actions: Action[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} to ${action}`).join(', ');
}

/** Apply takes about one window per `writesPerMinute` writes (the first batch goes at once). */
export function estimateApplyMs(writes: number, writesPerMinute: number): number {
  if (writes <= writesPerMinute) return writes * 250;
  return Math.ceil(writes / writesPerMinute - 1) * 60_000 + writesPerMinute * 250;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escapeInline(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, ' ');
}
