import type { Writable } from 'node:stream';
import type { Style } from './style.js';
import type { ActionOutcome, ApplyReport } from '../apply/execute.js';
import type { Target } from '../plan/types.js';

export function renderApplyText(report: ApplyReport, out: Writable, style: Style, elapsedMs: number): void {
  const write = (line = '') => out.write(`${line}\n`);
  write();
  for (const outcome of report.outcomes) write(outcomeLine(outcome, style));
  write();
  const seconds = (elapsedMs / 1000).toFixed(1);
  const counts = `${report.done} done, ${report.failed} failed, ${report.skipped} skipped`;
  if (report.ok) write(style.green(`Apply complete: ${counts} (${seconds} s).`));
  else {
    write(style.red(`Apply incomplete: ${counts} (${seconds} s).`));
    write('Nothing that depends on a failed change was sent. Fix the cause and run apply again: it only does what is left.');
  }
}

function outcomeLine(outcome: ActionOutcome, style: Style): string {
  const head = `${outcome.action} ${outcome.address}`;
  if (outcome.status === 'done') return `  ${style.green('✓')} ${head}${outcome.id !== null ? style.dim(`  (id ${outcome.id})`) : ''}`;
  if (outcome.status === 'failed') return `  ${style.red('✗')} ${head}: ${style.red(outcome.error?.message ?? 'failed')}`;
  return `  ${style.yellow('-')} ${head}: skipped, ${outcome.reason}`;
}

/** Each action's outcome for CI to keep (`apply --format json`). */
export function renderApplyJson(report: ApplyReport, target: Target): string {
  return `${JSON.stringify(
    {
      format_version: 1,
      target,
      ok: report.ok,
      summary: { done: report.done, failed: report.failed, skipped: report.skipped },
      outcomes: report.outcomes,
    },
    null,
    2,
  )}\n`;
}

export function renderApplyMarkdown(report: ApplyReport, target: Target): string {
  const lines = [
    `### xandr-sync apply: ${report.ok ? 'complete' : 'incomplete'} (${report.done} done, ${report.failed} failed, ${report.skipped} skipped)`,
    '',
    `**Target:** ${target.kind === 'sandbox' ? 'embedded sandbox' : target.api_url}, member ${target.member_id}`,
    '',
  ];
  const notDone = report.outcomes.filter((o) => o.status !== 'done');
  if (notDone.length) {
    lines.push('| Outcome | Address | Detail |', '|---|---|---|');
    for (const o of notDone.slice(0, 500)) {
      const detail = (o.status === 'failed' ? (o.error?.message ?? '') : (o.reason ?? '')).replace(/\|/g, '\\|').replace(/</g, '&lt;');
      lines.push(`| ${o.status} | \`${o.address}\` | ${detail} |`);
    }
    if (notDone.length > 500) lines.push('', `… and ${notDone.length - 500} more.`);
  }
  return `${lines.join('\n')}\n`;
}
