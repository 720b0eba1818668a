import { guardViolations, type Plan } from '../plan/index.js';
import type { XandrClient } from '../xandr/index.js';
import { GuardError } from './apply-errors.js';
import { executePlan, type ActionOutcome, type ApplyReport } from './execute.js';
import { acquireLock } from './lock.js';

export type GuardLimits = Plan['guards'];

interface ApplyRequest {
  plan: Plan;
  client: XandrClient;
  /**
   * The guard limits in force: the project file's, with any flags over them. Never the plan's own `guards`
   * when the plan came from a file: a file can say anything about itself.
   */
  guards: GuardLimits;
  /** Identifies the target across processes (see Connection.lockKey). */
  lockKey: string;
  lockDir: string;
  /** Shown to whoever finds the lock taken. */
  command: string;
  /** Asked after the guards passed and the lock is held, before the first write; throws to stop. */
  confirm?: (plan: Plan) => Promise<void>;
  refused?: Map<string, string>;
  signal?: AbortSignal;
  onOutcome?: (outcome: ActionOutcome, progress: { finished: number; total: number }) => void;
}

/**
 * The one way a plan is applied, for `apply` and the sync job alike: the guards (counted from the actions
 * themselves), then the per-target lock, then the confirmation, then the waves. The lock is released
 * whatever happens.
 */
export async function applyPlan(request: ApplyRequest): Promise<ApplyReport> {
  const { plan } = request;
  const violations = guardViolations(plan.actions, request.guards);
  if (violations.length > 0) throw new GuardError(violations);
  const lock = acquireLock(`${request.lockKey}|member ${plan.target.member_id}`, request.command, request.lockDir);
  try {
    await request.confirm?.(plan);
    return await executePlan(plan, { client: request.client, signal: request.signal, refused: request.refused, onOutcome: request.onOutcome });
  } finally {
    lock.release();
  }
}
