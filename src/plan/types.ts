/**
 * The plan: what will change in Xandr and why, as data. Renderers (text, markdown, json) and the executor
 * all read this model; `schemas/plan.schema.json` is the contract of its JSON form (DESIGN.md section 5).
 */
import type { Kind, PruneMode, SourceRef } from '../manifest/types.js';
import type { PlanErrorCode } from './plan-codes.js';
import type { LiveAdvertiser, LiveLineItem, LivePixel, LiveProfile, LiveSegment } from '../xandr/types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the planner read from Xandr. Built by apply/read-live.ts; the planner never does I/O itself. */
export interface LiveState {
  memberId: number;
  /** Every segment in scope (the member, or the advertisers of a shard). */
  segments: LiveSegment[];
  /** Every pixel of `pixelAdvertisers`. */
  pixels: LivePixel[];
  pixelAdvertisers: number[];
  /** The line items the manifests refer to (and, when pruning, those that use a pixel being removed). */
  lineItems: LiveLineItem[];
  /** The advertisers the manifests refer to that exist. */
  advertisers: LiveAdvertiser[];
  /** Advertisers whose segments were listed; null means the whole member. */
  segmentAdvertisers: number[] | null;
  /** The profiles of the line items that LineItemSegments manifests name (by their `profile_id`). */
  profiles: LiveProfile[];
  /**
   * Segments a targeting names by `segment_id` that the segment reads did not return (a shard's or a scoped
   * plan's reads list only part of the member): read by id to check them, never planned or pruned.
   */
  referencedSegments: LiveSegment[];
}

export type ActionKind = 'create' | 'update' | 'adopt' | 'rename' | 'deactivate' | 'delete';

/** An RFC 6902 operation against the live object's owned fields (`live` below). */
export interface Change {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: Json;
}

/** Stands for the id of an object that does not exist until an earlier wave creates it. */
export interface Ref {
  ref: string;
}

export interface PlannedRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  /** `/segment`, `/pixel`, `/line-item`. */
  path: string;
  query: Record<string, number | string | Ref>;
  body: Json | null;
}

export interface Action {
  /** `Segment/retargeting-segment`, `LineItemPixels/line-item-205`; prune actions use `Kind/<live code>`. */
  address: string;
  kind: Kind;
  action: ActionKind;
  /** 1-based. Everything in a wave may run at once; a wave starts when the one before it has finished. */
  wave: number;
  request: PlannedRequest;
  changes: Change[];
  /** Addresses of the actions that must succeed first. */
  depends_on: string[];
  /** The live object's owned fields when planned (null for a create): apply of a saved plan checks it. */
  live: Json;
  warnings: string[];
  /** The live id of the object changed (null for a create). */
  id: number | null;
  /** The manifest that asked for it (absent for prune actions). */
  source?: SourceRef;
  /** What the change is worth: the line item's business facts, for actions that touch a line item. */
  impact?: Impact;
  /** Who changed the live object last, from Xandr's Change Log, when it differs from git; null when the lookup failed. */
  drift?: DriftAttribution | null;
}

/** The facts a reviewer needs about a line item an action touches, taken from the line item already read. */
export interface LineItemImpact {
  id: number;
  name: string | null;
  state: string | null;
  line_item_type: string | null;
  /** The flight, or the current budget interval's for a seamless line item. */
  start_date: string | null;
  end_date: string | null;
  lifetime_budget: number | null;
  daily_budget: number | null;
  revenue_type: string | null;
  goal_type: string | null;
  /** Whether the pixel this action attaches or detaches is one the line item optimises to (goal_pixels); null when no pixel is concerned. */
  goal_pixel: boolean | null;
}

export interface Impact {
  line_item: LineItemImpact;
  /** The goal pixels (`goal_pixels`) this action detaches; absent when none. `guards.goal_pixel_detach: refuse` stops those. */
  detaches_goal_pixels?: number[];
}

/** The latest change Xandr's Change Log records for a drifted object (never its session id or client IP). */
export interface DriftAttribution {
  /** `user_full_name`. */
  changed_by: string | null;
  /** `hbui` (the console), `direct` (the API), or a console tool (`bmwBulkEdit`, `LIAA-...`). */
  request_source: string | null;
  /** `created_on`, as Xandr gives it. */
  changed_at: string | null;
  changes: { field: string; old: Json; new: Json }[];
}

export interface AttributionSummary {
  /** Objects whose latest change was looked up, and change-log reads it took. */
  looked_up: number;
  reads: number;
  /** Why some or all drift is shown without who changed it (not permitted, throttled, the bound); null when all was attributed. */
  note: string | null;
}

export interface PlanError {
  /** Stable kebab-case code, like the manifest diagnostics (plan-codes.ts). */
  code: PlanErrorCode;
  message: string;
  address?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface Target {
  /** `xandr` for an API (the real one or a compatible endpoint), `sandbox` for the embedded emulator. */
  kind: 'xandr' | 'sandbox';
  api_url: string;
  member_id: number;
}

export interface PlanSource {
  paths: string[];
  git: { commit: string; dirty: boolean } | null;
}

export interface Summary {
  create: number;
  update: number;
  delete: number;
  adopt: number;
  /** Objects found by a `metadata.previous_names` code: one PUT writes the new code onto the same object. */
  rename: number;
  deactivate: number;
  unchanged: number;
  reads: number;
  writes: number;
  /** Changes the plan found but `--target`/`--exclude` (or a scope) left out; absent when nothing was left out. */
  unselected?: number;
}

/** What shaped the plan besides the manifests and the live state: flags, recorded so a saved plan can be re-derived. */
export interface PlanOptions {
  prune: PruneMode;
  allow_empty_prune: boolean;
  /** A shard (`--advertiser`); null for the whole member. */
  advertisers: number[] | null;
  /** `--target` / `--exclude`; null when neither was given. */
  selection: { targets: string[]; excludes: string[] } | null;
}

export interface Plan {
  format_version: 1;
  target: Target;
  source: PlanSource;
  /** When the live state was read (ISO 8601), given by the caller. */
  created_at: string;
  summary: Summary;
  actions: Action[];
  /** Warnings about the plan as a whole (guards, prune refusals). Per-object ones are on the actions. */
  warnings: string[];
  /** Things Xandr would refuse at apply time. A plan with errors is never applied. */
  errors: PlanError[];
  /** What the change does to line items that spend, most serious first: the text and markdown plans open with it (absent in plans of 0.1). */
  risks?: string[];
  /** How the drifted objects were attributed from Xandr's Change Log; absent when attribution was not attempted. */
  attribution?: AttributionSummary;
  /** The project file's guard limits when planned (apply of a saved plan checks them against the file's). */
  guards: { max_changes?: number; max_deletes?: number; goal_pixel_detach?: 'warn' | 'refuse' };
  options: PlanOptions;
  /** A plan of one change only (`--changed-since`); null for a plan of everything. */
  scope: PlanScopeRecord | null;
}

export interface PlanScopeRecord {
  /** The ref as given. */
  changed_since: string;
  /** The commit it named. */
  commit: string;
  /** The objects whose documents the change adds, changes or removes: `Kind/name`, `ConversionPixel/<advertiser>/<name>`. */
  objects: string[];
}
