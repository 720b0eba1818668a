import type { LoadResult } from '../manifest/types.js';
import { buildPlan, guardViolations, shardDesired, type Plan, type PlanSource, type Selection, type Target } from '../plan/index.js';
import type { XandrClient } from '../xandr/index.js';
import { executePlan, type ActionOutcome, type ApplyReport } from './execute.js';
import { acquireLock } from './lock.js';
import { readLive } from './read-live.js';

/**
 * The reconcile loop without a terminal: what `plan`/`apply` and the scheduled `sync` job share.
 * Callers bring the validated manifests, a connected client and the target; this reads, plans and
 * applies.
 */

export interface PlanRequest {
  load: LoadResult;
  client: XandrClient;
  target: Omit<Target, 'member_id'>;
  /** May still be on its way (a git lookup running while the live state is read). */
  source: PlanSource | Promise<PlanSource>;
  /** A shard: only these advertisers' objects. */
  advertisers?: number[];
  /** `--target` / `--exclude`. */
  selection?: Selection;
  signal?: AbortSignal;
  /** When the plan is made (the planner itself has no clock). */
  now: () => Date;
}

export async function planAgainstLive(request: PlanRequest): Promise<Plan> {
  const { load, client } = request;
  const desired = request.advertisers ? shardDesired(load.desired, request.advertisers) : load.desired;
  const readsBefore = client.stats.reads;
  const live = await readLive(client, desired, {
    memberId: load.config.member_id,
    advertisers: request.advertisers,
    prune: load.config.prune,
    signal: request.signal,
  });
  return buildPlan({
    desired,
    live,
    config: load.config,
    target: { ...request.target, member_id: live.memberId },
    source: await request.source,
    reads: client.stats.reads - readsBefore,
    createdAt: request.now().toISOString(),
    selection: request.selection,
    fullDesired: load.desired,
  });
}

/** A guard would stop this plan: nothing has been written. */
export class GuardError extends Error {
  readonly code = 'GUARD';
  constructor(readonly violations: string[]) {
    super(`guard: ${violations.join('; ')}. Nothing was written to Xandr.`);
  }
}

export type GuardOverrides = Plan['guards'];

/** Throws GuardError when a guard stops the plan. Checked before the first write of any apply. */
export function checkGuards(plan: Plan, overrides: GuardOverrides = {}): void {
  const limits = { ...plan.guards, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  const violations = guardViolations(plan.summary, limits);
  if (violations.length > 0) throw new GuardError(violations);
}

export interface ApplyRequest {
  plan: Plan;
  client: XandrClient;
  /** Identifies the target across processes (see Connection.lockKey). */
  lockKey: string;
  lockDir: string;
  /** Shown to whoever finds the lock taken. */
  command: string;
  guards?: GuardOverrides;
  refused?: Map<string, string>;
  signal?: AbortSignal;
  onOutcome?: (outcome: ActionOutcome, progress: { finished: number; total: number }) => void;
}

/** Guards, then the per-target lock, then the waves. The lock is released whatever happens. */
export async function applyPlan(request: ApplyRequest): Promise<ApplyReport> {
  const { plan } = request;
  checkGuards(plan, request.guards);
  const lock = acquireLock(`${request.lockKey}|member ${plan.target.member_id}`, request.command, request.lockDir);
  try {
    return await executePlan(plan, { client: request.client, signal: request.signal, refused: request.refused, onOutcome: request.onOutcome });
  } finally {
    lock.release();
  }
}
