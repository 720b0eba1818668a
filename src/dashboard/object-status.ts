import type { ActionOutcome } from '../apply/execute.js';
import type { Action, PlanError } from '../plan/types.js';
import type { CycleReport } from '../sync/types.js';

/** An object's state after the latest cycle that read Xandr (docs/sync.md, "Object status"). */
export type ObjectStatus = 'in_sync' | 'drifted' | 'pending' | 'failed';
export const OBJECT_STATUSES: readonly ObjectStatus[] = ['in_sync', 'drifted', 'pending', 'failed'];
export const STATUS_LABEL: Record<ObjectStatus, string> = { in_sync: 'in sync', drifted: 'drifted', pending: 'pending', failed: 'failed' };

/**
 * - `failed`: a plan error names the object, or its apply outcome failed or was skipped;
 * - `pending`: the plan creates it and that was not applied;
 * - `drifted`: the plan changes it (update, adopt, deactivate, delete) and that was not applied (mode
 *   detect, or a guard, the apply lock or a plan error stopped the cycle);
 * - `in sync`: otherwise: no action, or its action was applied (outcome done).
 * The reason says why, for the object page and a tooltip.
 */
export function decideStatus(
  action: Action | null,
  outcome: ActionOutcome | null,
  errors: readonly PlanError[],
  report: CycleReport,
): { status: ObjectStatus; reason: string } {
  if (errors.length > 0) return { status: 'failed', reason: `the plan has an error for it: ${errors[0]!.message}` };
  if (outcome?.status === 'failed') return { status: 'failed', reason: `the ${outcome.action} failed: ${outcome.error?.message ?? 'no detail'}` };
  if (outcome?.status === 'skipped') return { status: 'failed', reason: `the ${outcome.action} was skipped: ${outcome.reason ?? 'no detail'}` };
  if (!action) return { status: 'in_sync', reason: 'Xandr matches git' };
  if (outcome?.status === 'done') return { status: 'in_sync', reason: `the ${action.action} was applied in cycle ${report.cycle}` };
  return { status: action.action === 'create' ? 'pending' : 'drifted', reason: `the plan would ${action.action} it; not applied: ${whyNotApplied(report)}` };
}

function whyNotApplied(report: CycleReport): string {
  if (report.mode === 'detect') return 'mode detect';
  if (report.failure) return `the cycle failed at ${report.failure.stage}`;
  if (report.result === 'cancelled') return 'the cycle was cancelled';
  return 'the cycle did not apply it';
}
