import type { ActionOutcome } from '../apply/execute.js';
import { inertInline } from '../core/inert.js';
import { clip, codeSpan, escapeCell, escapeInline, fitMarkdown, type MarkdownSection } from './markdown-fit.js';
import type { ApplyDocument, RenderOptions, Sink } from './types.js';
import { plainStyle, type Style } from './style.js';

export function renderApplyText({ report, elapsedMs }: ApplyDocument, out: Sink, options: RenderOptions): void {
  const style = options.style ?? plainStyle;
  const write = (line = '') => out.write(`${line}\n`);
  write();
  for (const outcome of report.outcomes) write(outcomeLine(outcome, style));
  write();
  const seconds = (elapsedMs / 1000).toFixed(1);
  const counts = `${report.done} done, ${report.failed} failed, ${report.skipped} skipped`;
  if (report.ok) write(style.green(`Apply complete: ${counts} (${seconds} s).`));
  else {
    write(style.red(`Apply incomplete: ${counts} (${seconds} s).`));
    write(nextStep(report));
  }
}

function outcomeLine(outcome: ActionOutcome, style: Style): string {
  const head = `${outcome.action} ${inertInline(outcome.address)}`;
  if (outcome.status === 'done') return `  ${style.green('✓')} ${head}${outcome.id !== null ? style.dim(`  (id ${outcome.id})`) : ''}`;
  if (outcome.status === 'failed') return `  ${style.red('✗')} ${head}: ${style.red(inertInline(outcome.error?.message ?? 'failed'))}`;
  return `  ${style.yellow('-')} ${head}: skipped, ${inertInline(outcome.reason ?? '')}`;
}

/** What to do after an incomplete apply. A saved plan's stale entries stay stale: running it again cannot help. */
function nextStep(report: ApplyDocument['report']): string {
  const stale = report.outcomes.filter((o) => o.stale).length;
  const other = report.failed + report.skipped - stale;
  const retry = 'Nothing that depends on a failed change was sent. Fix the cause and run apply again: it only does what is left.';
  if (stale === 0) return retry;
  const refresh = `${stale} change${stale === 1 ? ' was' : 's were'} refused because ${stale === 1 ? 'its object' : 'their objects'} changed in Xandr since the plan was made; applying this plan file again would refuse ${stale === 1 ? 'it' : 'them'} again. Make a new plan ('xandr-sync plan --out FILE'), review it, and apply that.`;
  return other > 0 ? `${refresh} ${retry}` : refresh;
}

/** Each action's outcome for CI to keep (`apply --format json`). */
export function renderApplyJson({ report, target }: ApplyDocument, sink: Sink): void {
  sink.write(`${JSON.stringify(
    {
      format_version: 1,
      target,
      ok: report.ok,
      summary: { done: report.done, failed: report.failed, skipped: report.skipped },
      outcomes: report.outcomes,
    },
    null,
    2,
  )}\n`);
}

/**
 * The apply report for a step summary: what failed or was skipped first (unfolded, with the reason), then
 * what was done, folded. Fits `maxLength` by whole rows, like the plan.
 */
export function renderApplyMarkdown({ report, target }: ApplyDocument, sink: Sink, options: RenderOptions): void {
  const status = report.outcomes.length === 0 ? 'nothing to do' : report.ok ? 'complete' : 'incomplete';
  const head = [
    `### xandr-sync apply: ${status} (${report.done} done, ${report.failed} failed, ${report.skipped} skipped)`,
    '',
    `**Target:** ${escapeInline(target.kind === 'sandbox' ? 'embedded sandbox' : target.api_url)}, member ${target.member_id}`,
    '',
  ];
  if (!report.ok) head.push(escapeInline(nextStep(report)), '');
  const notDone = report.outcomes.filter((o) => o.status !== 'done');
  const done = report.outcomes.filter((o) => o.status === 'done');
  const sections: MarkdownSection[] = [];
  if (notDone.length) {
    sections.push({
      title: `Not done (${notDone.length})`,
      open: true,
      columns: ['Outcome', 'Action', 'Address', 'Reason'],
      rows: notDone.map((o) => `| ${o.status} | ${o.action} | ${codeSpan(o.address)} | ${escapeCell(clip(o.status === 'failed' ? (o.error?.message ?? 'failed') : (o.reason ?? ''), 500))} |`),
    });
  }
  if (done.length) {
    sections.push({
      title: `Done (${done.length})`,
      columns: ['Action', 'Address', 'Id'],
      rows: done.map((o) => `| ${o.action} | ${codeSpan(o.address)} | ${o.id ?? ''} |`),
    });
  }
  sink.write(fitMarkdown(head, sections, {
    limit: options.maxLength ?? 60_000,
    note: (shown, total, omitted) =>
      `> **Truncated** to stay within GitHub's size limit: ${shown} of ${total} outcomes are shown.${omitted.length ? ` Not shown: ${omitted.join('; ')}.` : ''} \`apply --format json\` lists every one.`,
  }));
}
