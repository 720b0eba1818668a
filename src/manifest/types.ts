import type { DiagnosticCode } from './codes.js';

/**
 * The desired state, as the manifest loader hands it to the planner. Pure data: no YAML nodes, no
 * file handles. Field names in `spec` are Xandr's own (DESIGN.md section 3).
 */

export type Kind = 'Segment' | 'ConversionPixel' | 'LineItemPixels' | 'LineItemSegments';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where something was written: 1-based line and column; `file` relative to the working directory (posix separators) when inside it, absolute otherwise. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export type Severity = 'error' | 'warning';

/** Reports a problem of the document being checked at an offset of its file. */
export type At = (code: DiagnosticCode, message: string, offset: number, severity?: Severity) => void;

export interface Diagnostic {
  severity: Severity;
  /** Stable, kebab-case, documented in docs/manifests.md (e.g. `unknown-field`, `duplicate-name`); all listed in codes.ts. */
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

interface ManifestBase<K extends Kind, S> {
  kind: K;
  /** metadata.name: the identity, written to `code` in Xandr (segments and pixels). */
  name: string;
  /** `Kind/name`, or `Kind/<advertiser_id>/name` for a pixel whose name another advertiser also uses. */
  address: string;
  /** metadata.id: pins an existing object that has no code yet (plan shows `adopt`). */
  id?: number;
  /** metadata.protect: never deleted or deactivated by prune. */
  protect: boolean;
  /** metadata.ignore_changes: spec fields set on create and never diffed afterwards. */
  ignoreChanges: string[];
  /**
   * metadata.previous_names (Segment and ConversionPixel; empty when absent, and always for the line-item
   * kinds): codes the object had before. The planner renames the live object found by one of them (one PUT
   * writing `name` as its code) instead of planning a create and an orphan. No two manifests of one kind and
   * scope share a current or previous name, ignoring case.
   */
  previousNames: string[];
  spec: S;
  /**
   * Position of the document's `kind:` key; `fields` maps spec paths (`/short_name`, `/pixels/0/state`, JSON
   * pointers relative to spec) to positions: a mapping entry at its key, a list item where the item starts.
   */
  source: SourceRef & {
    fields?: Record<string, SourceRef>;
    /** 0-based index of the document among its file's documents (`---` separated), as edit-values.ts addresses it. */
    document: number;
  };
}

export interface PiggybackPixel {
  url: string;
  pixel_type: 'js' | 'img';
}

export interface SegmentSpec {
  advertiser_id?: number;
  short_name: string;
  description?: string | null;
  state?: 'active' | 'inactive';
  expire_minutes?: number | null;
  enable_rm_piggyback?: boolean;
  max_usersync_pixels?: number | null;
  price?: number;
  parent_segment_id?: number | null;
  piggyback_pixels?: PiggybackPixel[] | null;
  querystring_mapping?: { [key: string]: Json } | null;
  querystring_mapping_key_value?: { qs_key: string; qs_value: string | null } | null;
}

export interface PixelSpec {
  advertiser_id: number;
  name: string;
  state?: 'active' | 'inactive';
  trigger_type?: 'view' | 'click' | 'hybrid';
  min_minutes_per_conv?: number | null;
  post_view_expire_mins?: number | null;
  post_click_expire_mins?: number | null;
  post_click_value?: number | null;
  post_view_value?: number | null;
  piggyback_pixels?: PiggybackPixel[] | null;
  pixel_conversion_event_id?: number | null;
}

export interface BindingPixel {
  /**
   * metadata.name of a ConversionPixel of the same advertiser in this repository ... References match names
   * ignoring case; the loader rewrites this to the name exactly as the pixel's own document writes it.
   */
  pixel?: string;
  /** ... or the id of a pixel this repository does not manage. Exactly one of the two. */
  pixel_id?: number;
  /** Omitted: a pixel being attached is attached `active`; a pixel already attached keeps its state. */
  state?: 'active' | 'inactive';
  post_click_revenue?: number | null;
  post_view_revenue?: number | null;
}

export interface BindingSpec {
  advertiser_id: number;
  line_item_id?: number;
  line_item_code?: string;
  /** Defaults to `authoritative` when the manifest omits it. */
  policy: 'authoritative' | 'additive';
  pixels: BindingPixel[];
}

export type BooleanOperator = 'and' | 'or';

/** One entry of a segment group: Xandr's `segment_group_targets[].segments[]`, by reference or by id. */
export interface TargetingSegment {
  /**
   * metadata.name of a Segment of this repository that the line item's advertiser may use (member-level, or the
   * same advertiser) ... Matched ignoring case; the loader rewrites it to the name exactly as the Segment's own
   * document writes it.
   */
  segment?: string;
  /** ... or the id of a segment this repository does not manage. Exactly one of the two. */
  segment_id?: number;
  /** Filled by the loader when omitted: `include` (Xandr's default). */
  action: 'include' | 'exclude';
  /** Recency window, Xandr's names: minutes since the user joined the segment (Xandr's defaults 0 and -1). */
  start_minutes?: number | null;
  expire_minutes?: number | null;
}

export interface TargetingGroup {
  /** Between the segments of the group. Filled by the loader when omitted: `or` (Xandr's documented default). */
  boolean_operator: BooleanOperator;
  segments: TargetingSegment[];
}

export interface TargetingSpec {
  advertiser_id: number;
  line_item_id?: number;
  line_item_code?: string;
  /** Between the groups. Filled by the loader when omitted: `and` (Xandr's default). */
  segment_boolean_operator: BooleanOperator;
  groups: TargetingGroup[];
}

export type SegmentManifest = ManifestBase<'Segment', SegmentSpec>;
export type PixelManifest = ManifestBase<'ConversionPixel', PixelSpec>;
export type BindingManifest = ManifestBase<'LineItemPixels', BindingSpec>;
/** A line item's profile segment targeting (`segment_group_targets`, `segment_boolean_operator`). */
export type TargetingManifest = ManifestBase<'LineItemSegments', TargetingSpec>;
export type Manifest = SegmentManifest | PixelManifest | BindingManifest | TargetingManifest;

export type PruneMode = 'none' | 'deactivate' | 'delete';
export type GoalPixelDetach = 'warn' | 'refuse';

/** xandr-sync.yaml (`kind: Config`), with defaults applied. */
export interface ProjectConfig {
  /** The file it came from, or null when there is none (all defaults). */
  file: string | null;
  member_id?: number;
  api_url?: string;
  /** Globs relative to the manifest root. */
  manifests: string[];
  prune: PruneMode;
  /** Allow prune to remove every object of an advertiser (an empty desired set). Off by default. */
  allow_empty_prune: boolean;
  /**
   * Address globs (`Segment/legacy-*`, `ConversionPixel/1234/*`) that prune never touches, also after
   * their manifests are gone (metadata.protect ends with the manifest that carries it). Default none.
   */
  protect?: string[];
  guards: {
    max_changes?: number;
    max_deletes?: number;
    /** Detaching a pixel that is one of an active line item's `goal_pixels`: a plan warning, or a plan error. Default `warn`. */
    goal_pixel_detach: GoalPixelDetach;
  };
  attribution: {
    /** Drifted objects one plan may look up in Xandr's Change Log; 0 turns attribution off. Default 20. */
    max_lookups: number;
  };
  rate: { reads_per_minute?: number; writes_per_minute?: number; max_in_flight?: number };
}

export interface Desired {
  segments: SegmentManifest[];
  pixels: PixelManifest[];
  bindings: BindingManifest[];
  targeting: TargetingManifest[];
}

export interface LoadResult {
  /** Absolute path of the manifest root (where xandr-sync.yaml is, or the first PATH). */
  root: string;
  /** Manifest files found (same form as SourceRef.file), sorted by that form. */
  files: string[];
  config: ProjectConfig;
  desired: Desired;
  diagnostics: Diagnostic[];
}
