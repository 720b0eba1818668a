import type { ActionOutcome } from '../apply/execute.js';
import type { Kind, Manifest } from '../manifest/types.js';
import type { Action, LiveState, PlanError } from '../plan/types.js';
import type { JobView } from '../sync/job.js';
import type { CycleReport } from '../sync/types.js';
import type { LiveLineItem, LivePixel, LiveSegment } from '../xandr/types.js';
import type { ObjectStatus } from './object-status.js';

/** What the dashboard reads, all of it from the running job: it never calls Xandr or git itself. */
export interface DashboardSources {
  /** The job's cycles and the state the latest one planned from (SyncJob.view()). */
  view(): JobView;
  /** The schedule and node-cron's next tick; null for a job that runs once. */
  schedule(): { expression: string; next: Date | null } | null;
  /** The read budget in force (`reads_per_minute` of the connection); null before the first connection. */
  readsPerMinute(): number | null;
  /** The reads of the cycles that finished since a time (SyncMetrics.readsSince). */
  readsSince(ms: number): number;
  now(): number;
}

/** A live object the dashboard shows next to its manifest. */
export type LiveObject = LiveSegment | LivePixel | LiveLineItem;

export interface LastChange {
  /** As the source gives it: ISO 8601, or Xandr's `YYYY-MM-DD HH:MM:SS` (UTC). */
  at: string | null;
  /** A person (from Xandr's Change Log), `xandr-sync`, or null when unknown. */
  by: string | null;
  /** `hbui` (the console), `direct` (the API), `cycle 12`, ... */
  via: string | null;
}

/** One managed object: a manifest, or a live object a prune action removes. */
export interface ObjectEntry {
  address: string;
  kind: Kind;
  advertiserId: number | null;
  status: ObjectStatus;
  reason: string;
  manifest: Manifest | null;
  live: LiveObject | null;
  action: Action | null;
  outcome: ActionOutcome | null;
  errors: PlanError[];
  /** The Xandr id: the live object's, or the one a create just got. */
  id: number | null;
  lastChange: LastChange | null;
}

export interface Reference {
  kind: 'ConversionPixel' | 'Segment';
  name?: string;
  id?: number;
}

export interface ReferenceIndex {
  /** The entries whose spec references this entry (by its name or its id). */
  referrers(entry: ObjectEntry): ObjectEntry[];
  /** What an entry's spec references, resolved to managed entries where there are some. */
  targets(entry: ObjectEntry): { reference: Reference; entry: ObjectEntry | null }[];
  /** Other managed objects about the same line item (a line item's pixels and its segment targeting). */
  sameLineItem(entry: ObjectEntry): ObjectEntry[];
  /** The managed entry of a kind with this live id. */
  byId(kind: Reference['kind'], id: number): ObjectEntry | null;
}

export interface ObjectIndex {
  report: CycleReport;
  /** Sorted by kind (KINDS order), then address. */
  entries: ObjectEntry[];
  byAddress: Map<string, ObjectEntry>;
  counts: Map<Kind, Record<ObjectStatus, number>>;
  /** Advertisers that own at least one entry, by id, with their names from Xandr. */
  advertisers: { id: number; name: string | null; objects: number }[];
  references: ReferenceIndex;
  live: LiveState;
  /** How long building it took, for the Server-Timing header of the request that built it. */
  buildMs: number;
}
