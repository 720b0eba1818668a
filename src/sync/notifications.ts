import { createHash } from 'node:crypto';
import type { Plan } from '../plan/index.js';
import { inertInline } from '../core/inert.js';
import { driftText } from '../render/values.js';
import type { CycleReport } from './types.js';

export type NotificationEvent = 'drift' | 'failure' | 'recovery' | 'resolved';
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['drift', 'failure', 'recovery', 'resolved'];

/** A Slack-compatible message: `text` for notifications and plain webhooks, `blocks` for Slack's layout. */
export interface Notification {
  event: NotificationEvent;
  text: string;
  blocks: unknown[];
}

/**
 * What has been announced so far. Messages go out on changes of state only, never once per cycle:
 * failing or not, and which set of differences (a fingerprint of the plan's actions) was last reported.
 */
export interface NotifyState {
  failing: boolean;
  /** Failed cycles in a row. */
  failures: number;
  /** Fingerprint of the differences last seen by a successful cycle; '' when there were none. */
  drift: string;
}

export const INITIAL_NOTIFY_STATE: NotifyState = { failing: false, failures: 0, drift: '' };

const MAX_LISTED = 10;
const MAX_MESSAGE = 400;

/**
 * The state-change rules (docs/sync.md, "Notifications"):
 * - failure: the first failed cycle after a success (or at start); not again while failing;
 * - recovery: the first successful cycle after failures (it also says what that cycle found or applied);
 * - drift: a successful cycle found differences, and not the same set as the last successful cycle found.
 *   In mode detect they are reported; in mode apply they were just applied. The same drift coming back
 *   cycle after cycle (a console script undoing the repair) is announced once;
 * - resolved (mode detect): reported differences are gone (someone fixed Xandr or git).
 * A cancelled cycle changes nothing.
 */
export function decideNotification(state: NotifyState, report: CycleReport): { state: NotifyState; notification: Notification | null } {
  if (report.result === 'cancelled') return { state, notification: null };
  if (report.result === 'failed') {
    const next = { ...state, failing: true, failures: state.failures + 1 };
    return { state: next, notification: state.failing ? null : failureMessage(report) };
  }
  const drift = fingerprint(report.plan);
  const next: NotifyState = { failing: false, failures: 0, drift };
  if (state.failing) return { state: next, notification: recoveryMessage(report, state.failures) };
  if (drift !== '' && drift !== state.drift) return { state: next, notification: driftMessage(report) };
  if (drift === '' && state.drift !== '' && report.mode === 'detect') return { state: next, notification: resolvedMessage(report) };
  return { state: next, notification: null };
}

function fingerprint(plan: Plan | null): string {
  if (!plan || plan.actions.length === 0) return '';
  const lines = plan.actions.map((a) => `${a.action} ${a.address}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

function driftMessage(report: CycleReport): Notification {
  const plan = report.plan!;
  const headline =
    report.mode === 'detect'
      ? `:warning: xandr-sync: Xandr differs from git on ${where(report)}: ${counts(plan)}. Nothing was changed (mode detect).`
      : `:wrench: xandr-sync: Xandr differed from git on ${where(report)}; applied ${counts(plan)} from ${revision(report)}.`;
  return message('drift', headline, report, changeList(plan));
}

function failureMessage(report: CycleReport): Notification {
  const failure = report.failure!;
  const headline = `:x: xandr-sync: the sync of ${where(report)} failed at ${failure.stage}: ${clip(failure.message)}. The next cycles retry, with backoff.`;
  return message('failure', headline, report, failure.diagnostics?.slice(0, MAX_LISTED).map(clip) ?? []);
}

function recoveryMessage(report: CycleReport, failures: number): Notification {
  const found = report.plan && report.plan.actions.length > 0;
  const outcome =
    report.result === 'applied'
      ? `applied ${counts(report.plan!)}`
      : report.result === 'drift'
        ? `Xandr differs from git: ${counts(report.plan!)}, nothing changed (mode detect)`
        : 'Xandr matches git';
  const headline = `:white_check_mark: xandr-sync: the sync of ${where(report)} works again after ${failures} failed cycle${failures === 1 ? '' : 's'}; ${outcome} (${revision(report)}).`;
  return message('recovery', headline, report, found ? changeList(report.plan!) : []);
}

function resolvedMessage(report: CycleReport): Notification {
  return message('resolved', `:white_check_mark: xandr-sync: Xandr matches git again on ${where(report)} (${revision(report)}).`, report, []);
}

function message(event: NotificationEvent, headline: string, report: CycleReport, items: string[]): Notification {
  const context = [
    `repo ${report.source.repo}`,
    `ref ${report.source.ref}`,
    report.source.commit ? `commit ${report.source.commit.slice(0, 12)}` : null,
    `mode ${report.mode}`,
    `cycle ${report.cycle}`,
  ].filter((part): part is string => part !== null);
  // Slack reads `text` as mrkdwn too.
  const text = escapeMrkdwn(items.length ? `${headline}\n${items.map((i) => `• ${i}`).join('\n')}` : headline);
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(headline) } }];
  if (items.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: items.map((i) => `• ${escapeMrkdwn(i)}`).join('\n') } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(context.join(' · ')) }] });
  return { event, text, blocks };
}

function changeList(plan: Plan): string[] {
  // Who changed it, when the Change Log says: "update Segment/x (changed in the console by Jane Trader, ...)".
  const lines = plan.actions.slice(0, MAX_LISTED).map((a) => inertInline(`${a.action} ${a.address}${a.drift ? ` (${clip(driftText(a.drift))})` : ''}`));
  if (plan.actions.length > MAX_LISTED) lines.push(`and ${plan.actions.length - MAX_LISTED} more`);
  return lines;
}

function counts(plan: Plan): string {
  const by = new Map<string, number>();
  for (const a of plan.actions) by.set(a.action, (by.get(a.action) ?? 0) + 1);
  const parts = [...by].map(([action, n]) => `${n} to ${action}`);
  return `${plan.actions.length} change${plan.actions.length === 1 ? '' : 's'} (${parts.join(', ')})`;
}

function where(report: CycleReport): string {
  const target = report.plan?.target;
  if (!target) return report.source.repo;
  return target.kind === 'sandbox' ? `the embedded sandbox (member ${target.member_id})` : `member ${target.member_id} at ${target.api_url}`;
}

function revision(report: CycleReport): string {
  return `${report.source.ref}@${report.source.commit?.slice(0, 12) ?? 'unknown'}`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}

/** Slack reads `<...>` as links and mentions (`<!channel>`); text from errors must not ping anyone. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
