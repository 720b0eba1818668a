/**
 * New records as Xandr fills them: every field a GET shows, with Xandr's defaults. Used by POST and by raw
 * upserts of objects that do not exist yet, so both produce realistic objects.
 */
import { formatTimestamp } from './fields.js';
import type {
  AdvertiserRecord,
  LineItemPixel,
  LineItemRecord,
  MemberRecord,
  PixelRecord,
  ProfileRecord,
  ProfileSegment,
  ProfileSegmentGroup,
  SegmentRecord,
} from './types.js';
import { toInteger, toNumber } from './fields.js';

/** bidder_id 2: Xandr's own bidder, as both authentication articles' member examples show. */
export function newMember(id: number, name: string): MemberRecord {
  return { id, name, state: 'active', bidder_id: 2 };
}

export function newAdvertiser(id: number, memberId: number, now: number): AdvertiserRecord {
  return {
    id,
    code: null,
    name: `Advertiser ${id}`,
    state: 'active',
    member_id: memberId,
    timezone: 'EST5EDT',
    last_modified: formatTimestamp(now),
  };
}

export function newSegment(id: number, memberId: number, now: number): SegmentRecord {
  return {
    id,
    code: null,
    state: 'active',
    short_name: '',
    description: null,
    member_id: memberId,
    category: null,
    price: 0,
    expire_minutes: null,
    enable_rm_piggyback: true,
    max_usersync_pixels: 0,
    last_modified: formatTimestamp(now),
    provider: null,
    parent_segment_id: null,
    advertiser_id: null,
    piggyback_pixels: null,
    querystring_mapping: null,
    querystring_mapping_key_value: null,
    object_type: 'default',
  };
}

export function newPixel(id: number, advertiserId: number, memberId: number, now: number): PixelRecord {
  return {
    id,
    code: null,
    name: '',
    state: 'active',
    trigger_type: 'click',
    advertiser_id: advertiserId,
    member_id: memberId,
    min_minutes_per_conv: null,
    post_view_expire_mins: null,
    post_click_expire_mins: null,
    post_click_value: null,
    post_view_value: null,
    piggyback_pixels: null,
    pixel_conversion_event_id: null,
    created_on: formatTimestamp(now),
    last_modified: formatTimestamp(now),
  };
}

/** Field defaults follow the line-item service page and the fixture line-item-get-response.json. */
export function newLineItem(id: number, advertiserId: number, memberId: number, now: number): LineItemRecord {
  return {
    id,
    code: null,
    name: '',
    advertiser_id: advertiserId,
    member_id: memberId,
    state: 'active',
    line_item_type: 'standard_v1',
    start_date: null,
    end_date: null,
    timezone: 'EST5EDT',
    discrepancy_pct: 0,
    publishers_allowed: 'all',
    revenue_value: null,
    revenue_type: 'none',
    pixels: null,
    insertion_orders: null,
    goal_type: 'none',
    goal_value: null,
    goal_pixels: null,
    valuation: null,
    budget_intervals: null,
    creatives: null,
    lifetime_budget: null,
    lifetime_budget_imps: null,
    daily_budget: null,
    daily_budget_imps: null,
    enable_pacing: null,
    allow_safety_pacing: null,
    lifetime_pacing: null,
    lifetime_pacing_span: null,
    lifetime_pacing_pct: 100,
    click_url: null,
    currency: 'USD',
    require_cookie_for_tracking: true,
    labels: null,
    broker_fees: null,
    profile_id: null,
    flat_fee: null,
    comments: null,
    manage_creative: false,
    creative_distribution_type: 'even',
    priority: 5,
    last_modified: formatTimestamp(now),
  };
}

/** Defaults as profile-service.md documents them; the many targeting fields xandr-sync never reads stay unset. */
export function newProfile(id: number, advertiserId: number, memberId: number, now: number): ProfileRecord {
  return {
    id,
    code: null,
    description: null,
    advertiser_id: advertiserId,
    member_id: memberId,
    is_template: false,
    segment_boolean_operator: 'and',
    segment_targets: null,
    segment_group_targets: null,
    is_archived: false,
    archived_on: null,
    created_on: formatTimestamp(now),
    last_modified: formatTimestamp(now),
  };
}

/**
 * Stored profile segment targeting in canonical form, whatever a raw upsert holds: elements without an
 * integer id are dropped, missing fields get the documented defaults.
 */
export function canonicalSegmentTargets(value: unknown): ProfileSegment[] | null {
  if (!Array.isArray(value)) return null;
  const integerOrNull = (v: unknown, fallback: number | null) => (v === undefined ? fallback : (toInteger(v) ?? null));
  return elementsWithIds(value).map(
    ({ id, raw }): ProfileSegment => ({
      id,
      action: raw.action === 'exclude' ? 'exclude' : 'include',
      start_minutes: integerOrNull(raw.start_minutes, 0),
      expire_minutes: integerOrNull(raw.expire_minutes, -1),
      other_equals: typeof raw.other_equals === 'string' || typeof raw.other_equals === 'number' ? raw.other_equals : null,
      other_less: integerOrNull(raw.other_less, null),
      other_greater: integerOrNull(raw.other_greater, null),
      other_in_list: Array.isArray(raw.other_in_list) ? (raw.other_in_list as (string | number)[]) : null,
    }),
  );
}

export function canonicalSegmentGroups(value: unknown): ProfileSegmentGroup[] | null {
  if (!Array.isArray(value)) return null;
  return value
    .filter((group): group is Record<string, unknown> => typeof group === 'object' && group !== null)
    .map((group) => ({ boolean_operator: group.boolean_operator === 'and' ? 'and' : 'or', segments: canonicalSegmentTargets(group.segments) ?? [] }));
}

/** Stored line-item pixels in canonical form, whatever a raw upsert or an old state file holds. */
export function canonicalPixels(value: unknown): LineItemPixel[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const pixels = elementsWithIds(value).map(
    ({ id, raw }): LineItemPixel => ({
      id,
      state: raw.state === 'inactive' ? 'inactive' : 'active',
      post_click_revenue: toNumber(raw.post_click_revenue) ?? null,
      post_view_revenue: toNumber(raw.post_view_revenue) ?? null,
    }),
  );
  return pixels.length ? pixels : null;
}

/** The elements of a stored array that are objects with an integer id: a raw upsert may hold anything. */
function elementsWithIds(value: unknown[]): Array<{ id: number; raw: Record<string, unknown> }> {
  const out: Array<{ id: number; raw: Record<string, unknown> }> = [];
  for (const element of value) {
    if (typeof element !== 'object' || element === null) continue;
    const raw = element as Record<string, unknown>;
    const id = toInteger(raw.id);
    if (id !== undefined) out.push({ id, raw });
  }
  return out;
}
