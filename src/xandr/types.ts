/**
 * Live objects as the client returns them: Xandr's loose types already normalized (ids and money are
 * numbers, `pixels[].id` is a number, absent arrays are null). Unknown fields are kept as they came, so
 * a manifest can declare any documented field and the planner can compare it.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LiveSegment {
  id: number;
  code: string | null;
  member_id: number | null;
  advertiser_id: number | null;
  state: string | null;
  short_name: string | null;
  last_modified: string | null;
  [field: string]: Json | undefined;
}

export interface LivePixel {
  id: number;
  code: string | null;
  advertiser_id: number;
  name: string | null;
  state: string | null;
  trigger_type: string | null;
  /** Read-only: the line items using this pixel, as Xandr reports them. */
  line_items: { id: number; name?: string | null; state?: string | null }[] | null;
  last_modified: string | null;
  [field: string]: Json | undefined;
}

export interface LiveLineItemPixel {
  id: number;
  state: string | null;
  post_click_revenue: number | null;
  post_view_revenue: number | null;
  /** Read-only copies Xandr returns on some line items; never sent back. */
  name?: string | null;
  trigger_type?: string | null;
}

export interface LiveLineItem {
  id: number;
  code: string | null;
  advertiser_id: number;
  name: string | null;
  state: string | null;
  line_item_type: string | null;
  revenue_type: string | null;
  pixels: LiveLineItemPixel[] | null;
  last_modified: string | null;
  [field: string]: Json | LiveLineItemPixel[] | undefined;
}

/** One segment a profile targets (profile-service.md "Segment targets"); `code`, `name`, `deleted` are read-only. */
export interface LiveProfileSegment {
  id: number;
  action: string | null;
  start_minutes: number | null;
  expire_minutes: number | null;
  other_equals: string | number | null;
  other_less: number | null;
  other_greater: number | null;
  other_in_list: (string | number)[] | null;
  code: string | null;
  name: string | null;
  deleted: boolean;
}

export interface LiveSegmentGroup {
  boolean_operator: string | null;
  segments: LiveProfileSegment[];
}

/**
 * A profile, as far as xandr-sync reads it: its segment targeting. A profile carries dozens of other
 * targeting fields; they are not kept (the planner never writes them, and a PUT leaves fields it does not
 * send alone), which keeps 3,000 profiles small in memory and in the sync job's snapshot.
 */
export interface LiveProfile {
  id: number;
  code: string | null;
  advertiser_id: number | null;
  segment_boolean_operator: string | null;
  /** The flat form; the console converts it to groups, and xandr-sync does too. */
  segment_targets: LiveProfileSegment[] | null;
  segment_group_targets: LiveSegmentGroup[] | null;
  is_archived: boolean;
  last_modified: string | null;
}

export interface LiveAdvertiser {
  id: number;
  code: string | null;
  name: string | null;
  state: string | null;
  [field: string]: Json | undefined;
}

export interface LiveMember {
  id: number;
  name: string | null;
  [field: string]: Json | undefined;
}
