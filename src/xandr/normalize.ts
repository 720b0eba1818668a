import { XandrResponseError } from './xandr-errors.js';
import { isRecord } from './envelope.js';
import type { Json, LiveAdvertiser, LiveLineItem, LiveLineItemPixel, LiveMember, LivePixel, LiveProfile, LiveProfileSegment, LiveSegment, LiveSegmentGroup } from './types.js';

/**
 * Xandr's documented loose types, made strict once at the edge: ids, money and counts arrive as numbers
 * or numeric strings (`"39688"`, `"30.000000"`, `"0"`); everything downstream sees numbers.
 */

export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) {
    return Number(value);
  }
  return null;
}

function toId(value: unknown, what: string): number {
  const n = toNumber(value);
  if (n === null || !Number.isSafeInteger(n) || n <= 0) {
    throw new XandrResponseError(`Xandr returned a ${what} without a valid id (got ${JSON.stringify(value ?? null)})`);
  }
  return n;
}

function optString(value: unknown): string | null {
  return typeof value === 'string' ? value : value === null || value === undefined ? null : String(value);
}

/** Numeric fields become numbers; a value that is neither a number nor a numeric string is kept as it came. */
function numericFields(target: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    if (!(field in target)) continue;
    const value = target[field];
    if (value === null || value === undefined || value === '') {
      target[field] = null;
      continue;
    }
    const n = toNumber(value);
    if (n !== null) target[field] = n;
  }
}

/**
 * A copy of the object to make strict. The normalizers below change fields on this one copy rather than
 * spreading it into a second object: a plan reads 28,000 objects, and two copies each was most of the
 * normalizing time. Assigning existing keys keeps their order, so the result is the same object.
 */
function record(raw: unknown, what: string): Record<string, unknown> {
  if (!isRecord(raw)) throw new XandrResponseError(`Xandr returned a ${what} that is not an object`);
  return { ...raw };
}

const SEGMENT_NUMBERS = ['member_id', 'advertiser_id', 'expire_minutes', 'max_usersync_pixels', 'price', 'parent_segment_id'] as const;

export function normalizeSegment(raw: unknown): LiveSegment {
  const o = record(raw, 'segment');
  numericFields(o, SEGMENT_NUMBERS);
  o.id = toId(o.id, 'segment');
  o.code = optString(o.code);
  o.member_id = (o.member_id as number | null | undefined) ?? null;
  o.advertiser_id = (o.advertiser_id as number | null | undefined) ?? null;
  o.state = optString(o.state);
  o.short_name = optString(o.short_name);
  o.last_modified = optString(o.last_modified);
  return o as LiveSegment;
}

const PIXEL_NUMBERS = [
  'advertiser_id',
  'min_minutes_per_conv',
  'post_view_expire_mins',
  'post_click_expire_mins',
  'post_click_value',
  'post_view_value',
  'pixel_conversion_event_id',
] as const;

export function normalizePixel(raw: unknown): LivePixel {
  const o = record(raw, 'pixel');
  numericFields(o, PIXEL_NUMBERS);
  const lineItems = Array.isArray(o.line_items)
    ? o.line_items.filter(isRecord).map((li) => ({ ...li, id: toId(li.id, 'pixel line item'), name: optString(li.name), state: optString(li.state) }))
    : null;
  o.id = toId(o.id, 'pixel');
  o.code = optString(o.code);
  o.advertiser_id = toId(o.advertiser_id, 'pixel advertiser');
  o.name = optString(o.name);
  o.state = optString(o.state);
  o.trigger_type = optString(o.trigger_type);
  o.line_items = lineItems;
  o.last_modified = optString(o.last_modified);
  return o as LivePixel;
}

function normalizeLineItemPixel(raw: unknown): LiveLineItemPixel {
  const o = record(raw, 'line item pixel');
  const pixel: LiveLineItemPixel = {
    id: toId(o.id, 'line item pixel'),
    state: optString(o.state),
    post_click_revenue: toNumber(o.post_click_revenue),
    post_view_revenue: toNumber(o.post_view_revenue),
  };
  if ('name' in o) pixel.name = optString(o.name);
  if ('trigger_type' in o) pixel.trigger_type = optString(o.trigger_type);
  return pixel;
}

export function normalizeLineItem(raw: unknown): LiveLineItem {
  const o = record(raw, 'line item');
  numericFields(o, ['revenue_value', 'member_id', 'profile_id']);
  o.id = toId(o.id, 'line item');
  o.code = optString(o.code);
  o.advertiser_id = toId(o.advertiser_id ?? (isRecord(o.advertiser) ? o.advertiser.id : undefined), 'line item advertiser');
  o.name = optString(o.name);
  o.state = optString(o.state);
  o.line_item_type = optString(o.line_item_type);
  o.revenue_type = optString(o.revenue_type);
  o.pixels = Array.isArray(o.pixels) ? o.pixels.map(normalizeLineItemPixel) : null;
  o.last_modified = optString(o.last_modified);
  return o as LiveLineItem;
}

function normalizeProfileSegment(raw: unknown): LiveProfileSegment {
  const o = record(raw, 'profile segment');
  const list = Array.isArray(o.other_in_list) ? o.other_in_list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number') : null;
  return {
    id: toId(o.id, 'profile segment'),
    action: optString(o.action),
    start_minutes: toNumber(o.start_minutes),
    expire_minutes: toNumber(o.expire_minutes),
    other_equals: typeof o.other_equals === 'number' || typeof o.other_equals === 'string' ? o.other_equals : null,
    other_less: toNumber(o.other_less),
    other_greater: toNumber(o.other_greater),
    other_in_list: list,
    code: optString(o.code),
    name: optString(o.name),
    deleted: o.deleted === true || o.deleted === 'true',
  };
}

function normalizeSegmentGroup(raw: unknown): LiveSegmentGroup {
  const o = record(raw, 'segment group');
  return { boolean_operator: optString(o.boolean_operator), segments: Array.isArray(o.segments) ? o.segments.map(normalizeProfileSegment) : [] };
}

export function normalizeProfile(raw: unknown): LiveProfile {
  const o = record(raw, 'profile');
  return {
    id: toId(o.id, 'profile'),
    code: optString(o.code),
    advertiser_id: toNumber(o.advertiser_id),
    segment_boolean_operator: optString(o.segment_boolean_operator),
    segment_targets: Array.isArray(o.segment_targets) ? o.segment_targets.map(normalizeProfileSegment) : null,
    segment_group_targets: Array.isArray(o.segment_group_targets) ? o.segment_group_targets.map(normalizeSegmentGroup) : null,
    is_archived: o.is_archived === true || o.is_archived === 'true',
    last_modified: optString(o.last_modified),
  };
}

export function normalizeAdvertiser(raw: unknown): LiveAdvertiser {
  const o = record(raw, 'advertiser');
  return {
    ...(o as Record<string, Json>),
    id: toId(o.id, 'advertiser'),
    code: optString(o.code),
    name: optString(o.name),
    state: optString(o.state),
  };
}

export function normalizeMember(raw: unknown): LiveMember {
  const o = record(raw, 'member');
  return { ...(o as Record<string, Json>), id: toId(o.id, 'member'), name: optString(o.name) };
}
