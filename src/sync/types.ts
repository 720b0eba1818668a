import type { LockHolder } from '../apply/apply-errors.js';
import type { ApplyReport } from '../apply/execute.js';
import type { Desired, ProjectConfig } from '../manifest/types.js';
import type { LiveState, Plan, Target } from '../plan/index.js';
import type { ClientEvent, XandrClient } from '../xandr/index.js';

export type SyncMode = 'apply' | 'detect';

/**
 * How a cycle ended. `in_sync`, `applied` and `drift` are successes (the job did its work); `failed` is
 * retried with backoff; `cancelled` is a cycle cut short by SIGTERM/SIGINT.
 */
export type CycleResult = 'in_sync' | 'applied' | 'drift' | 'failed' | 'cancelled';
export const CYCLE_RESULTS: readonly CycleResult[] = ['in_sync', 'applied', 'drift', 'failed', 'cancelled'];

/** The step a failed cycle stopped at. */
export type FailureStage = 'fetch' | 'validate' | 'connect' | 'plan' | 'guard' | 'lock' | 'apply';
export const FAILURE_STAGES: readonly FailureStage[] = ['fetch', 'validate', 'connect', 'plan', 'guard', 'lock', 'apply'];

export interface CycleSource {
  /** The repository URL without credentials. */
  repo: string;
  ref: string;
  /** Absent when the fetch failed. */
  commit?: string;
  subject?: string;
  committed_at?: string;
}

export interface CycleFailure {
  stage: FailureStage;
  message: string;
  /** For `lock`: who holds the target's apply lock. */
  holder?: LockHolder | null;
  /** For `validate`: the manifest errors, formatted `file:line:column: ...`. */
  diagnostics?: string[];
}

export interface CycleReport {
  /** 1-based, per process. */
  cycle: number;
  mode: SyncMode;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  result: CycleResult;
  source: CycleSource;
  /** The plan made this cycle (null when the cycle stopped before planning). It records the commit. */
  plan: Plan | null;
  /** The apply's outcomes (mode apply, when there was something to apply and the guards and lock allowed it). */
  apply: ApplyReport | null;
  failure: CycleFailure | null;
  /** Whether this cycle's fetch worked (null: it did not get that far). */
  fetch_ok: boolean | null;
  /** Whether this cycle's login worked (null: it did not get that far). */
  login_ok: boolean | null;
  /** The API calls the cycle made, and how it read the live state. */
  calls: CycleCalls;
}

export interface CycleCalls {
  reads: number;
  writes: number;
  logins: number;
  /** `full`: every object in scope was listed; `incremental`: only what moved since the last read. Null before reading. */
  read_mode: 'full' | 'incremental' | null;
  /** Why the read was full (no snapshot yet, the cadence, a failed write, a filter Xandr ignored); null otherwise. */
  full_read_reason: string | null;
}

/** What a cycle knew besides its report: the manifests and the live state it planned from (the dashboard shows them). */
export interface CycleState {
  desired: Desired;
  live: LiveState;
}

/** What the sync job needs of a connection; the CLI's `connect()` result fits. */
export interface SyncConnection {
  client: XandrClient;
  target: Omit<Target, 'member_id'>;
  /** Identifies the target across processes, for the apply lock. */
  lockKey: string;
  close(): Promise<void>;
}

/**
 * Opens a connection for the project config a commit carries (its api_url and rate budget). The job keeps
 * it across cycles and opens a new one only when those settings change.
 */
export type Connector = (config: ProjectConfig, onEvent: (event: ClientEvent) => void) => Promise<SyncConnection>;
