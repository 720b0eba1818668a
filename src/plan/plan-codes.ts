/**
 * Every code a plan error can carry. Like the manifest diagnostics (manifest/codes.ts), codes are part of the
 * contract: scripts match on them and docs/plans.md explains each. Add new ones, never rename.
 */
export const PLAN_ERROR_CODES = [
  // the live object a manifest names
  'unknown-advertiser',
  'advertiser-mismatch',
  'unknown-id',
  'id-code-conflict',
  'code-taken',
  'unknown-line-item',
  'unknown-pixel-id',
  // what Xandr would refuse at apply time
  'duplicate-pixel',
  'revenue-not-allowed',
  'too-many-pixels',
  // segment targeting (LineItemSegments)
  'unknown-profile',
  'archived-profile',
  'unknown-segment-id',
  'segment-advertiser-mismatch',
  'duplicate-segment',
  'too-many-segments',
  // prune
  'empty-prune',
  'unread-line-item',
  'segment-still-targeted',
  // the plan as a whole
  'dependency-cycle',
  'excluded-dependency',
] as const;

export type PlanErrorCode = (typeof PLAN_ERROR_CODES)[number];
