import { inertInline } from '../core/inert.js';
import type { CycleReport } from '../sync/types.js';
import { renderApplyText } from './apply-report.js';
import { renderPlanText } from './plan-text.js';
import type { RenderOptions, Sink } from './types.js';
import { plainStyle, type Style } from './style.js';

/**
 * A cycle for a log (systemd's journal, a CronJob's pod log, a CI job): a header naming the commit, the
 * plan and the apply outcomes when there was anything to do, and one closing line with the result.
 */
export function renderCycleText(report: CycleReport, out: Sink, options: RenderOptions): void {
  const style = options.style ?? plainStyle;
  const write = (line = '') => out.write(`${line}\n`);
  const src = report.source;
  const commit = src.commit ? ` @ ${src.commit.slice(0, 12)}${src.subject ? ` ${JSON.stringify(inertInline(src.subject))}` : ''}` : '';
  write(style.bold(`[${report.started_at}] cycle ${report.cycle} (mode ${report.mode}): ${src.repo} ${src.ref}${commit}`));
  if (report.plan && (report.plan.actions.length > 0 || report.plan.errors.length > 0)) renderPlanText(report.plan, out, { style });
  if (report.apply && report.plan) renderApplyText({ report: report.apply, target: report.plan.target, elapsedMs: report.duration_ms }, out, { style });
  for (const line of report.failure?.diagnostics ?? []) write(`  ${inertInline(line)}`);
  write(closingLine(report, style));
}

/** The same as one line of JSON, for log shippers (`--format json`). The plan is the JSON plan of `plan --format json`. */
export function renderCycleJson(report: CycleReport, sink: Sink): void {
  sink.write(`${JSON.stringify({ format_version: 1, ...report })}\n`);
}

function closingLine(report: CycleReport, style: Style): string {
  const at = `[${report.finished_at}] cycle ${report.cycle}`;
  const seconds = `${(report.duration_ms / 1000).toFixed(1)} s`;
  const changes = report.plan?.actions.length ?? 0;
  switch (report.result) {
    case 'in_sync':
      return style.green(`${at}: in sync, Xandr matches git (${seconds}).`);
    case 'applied':
      return style.green(`${at}: applied ${changes} change${changes === 1 ? '' : 's'} (${seconds}).`);
    case 'drift':
      return style.yellow(`${at}: drift, ${changes} change${changes === 1 ? '' : 's'} found; nothing written (mode detect) (${seconds}).`);
    case 'cancelled':
      return style.yellow(`${at}: cancelled by a stop signal; writes already sent were finished (${seconds}).`);
    case 'failed':
      return style.red(`${at}: failed at ${report.failure?.stage ?? 'an unknown step'}: ${inertInline(report.failure?.message ?? 'no detail')} (${seconds}).`);
  }
}
