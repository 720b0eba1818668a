import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { GuardError, LockError } from '../apply/apply-errors.js';
import { applyPlan, type GuardLimits } from '../apply/apply-plan.js';
import type { ApplyReport } from '../apply/execute.js';
import type { Clock } from '../core/clock.js';
import { productErrorCode } from '../core/product-error.js';
import type { Checkout } from '../git/config-repo.js';
import { loadManifests } from '../manifest/index.js';
import type { LoadResult } from '../manifest/types.js';
import { buildPlan, type Plan } from '../plan/index.js';
import type { LiveSnapshot } from '../read/incremental.js';
import { readCycleInput } from '../read/plan-input.js';
import { attributeDrift } from '../read/attribution.js';
import type { SnapshotStore } from './snapshot-store.js';
import { formatDiagnostic } from '../render/diagnostics.js';
import type { ConnectionKeeper } from './connections.js';
import type { CycleCalls, CycleFailure, CycleReport, CycleResult, CycleSource, CycleState, FailureStage, SyncConnection, SyncMode } from './types.js';

export interface CycleDeps {
  repo: { checkout(signal?: AbortSignal): Promise<Checkout> };
  /** The repository URL without credentials, for reports. */
  repoDisplay: string;
  ref: string;
  /** The manifest directory inside the repository, relative to its root ('.' for the root). */
  path: string;
  mode: SyncMode;
  connections: ConnectionKeeper;
  /** The per-target apply lock (see apply/lock.ts). */
  lockDir: string;
  /** Shown to whoever finds the apply lock taken. */
  command: string;
  advertisers?: number[];
  /** `--max-changes` / `--max-deletes`, over the project file's guards. */
  guards?: GuardLimits;
  /** Where this job sends credentials (null: the embedded sandbox); a commit's api_url must agree. */
  operatorApiUrl: string | null;
  /** The live state of the last read, for incremental cycles. */
  snapshots: SnapshotStore;
  /** Why this cycle must read in full whatever the snapshot (the cadence, --full, a failed write), or null. */
  fullReason: (snapshot: LiveSnapshot | null) => string | null;
  clock: Clock;
}

/** Why a step stopped the cycle; turned into the report's failure. */
class StageError extends Error {
  constructor(
    readonly stage: FailureStage,
    message: string,
    readonly extra: Partial<CycleFailure> = {},
  ) {
    super(message);
  }
}

/**
 * One cycle: fetch the ref, validate the manifests at that commit, plan against live Xandr, then apply
 * (mode apply, when the guards and the per-target lock allow) or only report (mode detect). Never throws:
 * every failure is a report with the stage it stopped at, so the job survives it and retries later.
 */
export async function runCycle(deps: CycleDeps, cycle: number, signal: AbortSignal): Promise<{ report: CycleReport; state: CycleState | null }> {
  const started = deps.clock.now();
  const source: CycleSource = { repo: deps.repoDisplay, ref: deps.ref };
  const state: StepState = { plan: null, apply: null, fetchOk: null, loginOk: null, gathered: null, calls: { reads: 0, writes: 0, logins: 0, read_mode: null, full_read_reason: null } };
  let result: CycleResult;
  let failure: CycleFailure | null = null;
  try {
    result = await steps(deps, signal, source, state);
  } catch (error) {
    if (signal.aborted) {
      result = 'cancelled';
    } else {
      result = 'failed';
      failure = describeFailure(error);
    }
  }
  const finished = deps.clock.now();
  const report: CycleReport = {
    cycle,
    mode: deps.mode,
    started_at: new Date(started).toISOString(),
    finished_at: new Date(finished).toISOString(),
    duration_ms: finished - started,
    result,
    source,
    plan: state.plan,
    apply: state.apply,
    failure,
    fetch_ok: state.fetchOk,
    login_ok: state.loginOk,
    calls: state.calls,
  };
  return { report, state: state.gathered };
}

interface StepState {
  plan: Plan | null;
  apply: ApplyReport | null;
  fetchOk: boolean | null;
  loginOk: boolean | null;
  gathered: CycleState | null;
  calls: CycleCalls;
}

async function steps(deps: CycleDeps, signal: AbortSignal, source: CycleSource, state: StepState): Promise<CycleResult> {
  let checkout: Checkout;
  try {
    checkout = await deps.repo.checkout(signal);
  } catch (error) {
    state.fetchOk = false;
    throw new StageError('fetch', messageOf(error));
  }
  state.fetchOk = true;
  Object.assign(source, { commit: checkout.commit, subject: checkout.subject, committed_at: checkout.committedAt });

  let load: LoadResult;
  try {
    load = await loadAt(checkout, deps.path, deps.operatorApiUrl);
  } finally {
    // The files are in memory now: the next fetch (maybe another process's) may move the working tree.
    checkout.release();
  }
  if (signal.aborted) throw new StageError('validate', 'cancelled');

  let connection: SyncConnection;
  try {
    connection = await deps.connections.get(load.config);
    await connection.client.connect(signal);
  } catch (error) {
    state.loginOk = false;
    await deps.connections.drop();
    throw new StageError('connect', messageOf(error));
  }
  state.loginOk = true;
  const stats = connection.client.stats;
  const before = { reads: stats.reads, writes: stats.writes, logins: stats.logins };
  const count = () => {
    state.calls.reads = stats.reads - before.reads;
    state.calls.writes = stats.writes - before.writes;
    state.calls.logins = stats.logins - before.logins;
  };

  let plan: Plan;
  try {
    const previous = deps.snapshots.load();
    const { input, read } = await readCycleInput({
      load,
      client: connection.client,
      target: connection.target,
      source: { paths: [deps.path], git: { commit: checkout.commit, dirty: false } },
      advertisers: deps.advertisers,
      signal,
      now: () => new Date(deps.clock.now()),
      previous,
      fullReason: deps.fullReason(previous),
    });
    deps.snapshots.save(read.snapshot);
    state.calls.read_mode = read.mode;
    state.calls.full_read_reason = read.reason;
    state.gathered = { desired: input.desired, live: input.live };
    plan = buildPlan(input);
    // Who changed what drifted, from Xandr's Change Log: the cycle log and the webhook say it in words.
    if (plan.errors.length === 0) await attributeDrift(connection.client, plan, { maxLookups: load.config.attribution.max_lookups, signal });
  } catch (error) {
    count();
    if (isAuthError(error)) state.loginOk = false;
    throw new StageError('plan', messageOf(error));
  }
  count();
  state.plan = plan;
  if (plan.errors.length > 0) {
    throw new StageError('plan', `the plan has ${plan.errors.length} error(s) Xandr would refuse: ${plan.errors.map((e) => e.message).slice(0, 3).join('; ')}`);
  }
  if (plan.actions.length === 0) return 'in_sync';
  if (deps.mode === 'detect') return 'drift';

  let report: ApplyReport;
  try {
    report = await applyPlan({
      plan,
      client: connection.client,
      lockKey: connection.lockKey,
      lockDir: deps.lockDir,
      command: deps.command,
      guards: { ...load.config.guards, ...definedOnly(deps.guards ?? {}) },
      signal,
    });
  } catch (error) {
    count();
    // By code rather than instanceof: robust to two copies of a module.
    if (productErrorCode(error) === 'GUARD') throw new StageError('guard', (error as GuardError).message);
    if (productErrorCode(error) === 'LOCKED') throw new StageError('lock', (error as LockError).message, { holder: (error as LockError).holder });
    if (isAuthError(error)) state.loginOk = false;
    throw new StageError('apply', messageOf(error));
  }
  count();
  state.apply = report;
  if (!report.ok) {
    if (signal.aborted) throw new StageError('apply', 'cancelled');
    const first = report.outcomes.find((o) => o.status === 'failed');
    throw new StageError(
      'apply',
      `apply incomplete: ${report.done} done, ${report.failed} failed, ${report.skipped} skipped${first ? `; ${first.address}: ${first.error?.message ?? 'failed'}` : ''}`,
    );
  }
  return 'applied';
}

/** Validation is all or nothing (DESIGN.md section 3): one error means no plan and no write. */
async function loadAt(checkout: Checkout, path: string, operatorApiUrl: string | null): Promise<LoadResult> {
  const root = await realpath(checkout.dir);
  let dir: string;
  try {
    dir = await realpath(resolve(root, path));
  } catch {
    throw new StageError('validate', `${path} does not exist at commit ${checkout.commit.slice(0, 12)}`);
  }
  const inside = relative(root, dir);
  if (inside.split(sep)[0] === '..' || isAbsolute(inside)) {
    throw new StageError('validate', `${path} leads outside the repository (a symbolic link?); refusing to read it`);
  }
  const load = await loadManifests([dir], { cwd: root, operatorApiUrl });
  const errors = load.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const diagnostics = errors.map((d) => formatDiagnostic(d));
    throw new StageError('validate', `${errors.length} error(s) in the manifests at commit ${checkout.commit.slice(0, 12)}; nothing was planned or written`, { diagnostics });
  }
  if (load.config.prune !== 'none' && load.root !== dir) {
    // Prune removes what the manifests read do not describe, so it must see all of them.
    throw new StageError('validate', `prune (${load.config.prune}) needs the whole manifest tree, but --path ${path} is only part of it; point --path at the directory holding xandr-sync.yaml`);
  }
  return load;
}

function describeFailure(error: unknown): CycleFailure {
  if (error instanceof StageError) return { stage: error.stage, message: error.message, ...error.extra };
  // Not one of ours: still a failed cycle (the job must survive it), named as a bug so it gets reported.
  return { stage: 'apply', message: `unexpected error (a bug in xandr-sync; please report it): ${messageOf(error)}` };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAuthError(error: unknown): boolean {
  return productErrorCode(error) === 'XANDR_AUTH';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
