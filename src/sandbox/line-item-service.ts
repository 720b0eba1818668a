/**
 * `/line-item` (line-item-service.md, line-item-service---ali.md). xandr-sync owns only a line item's
 * `pixels`, but the sandbox keeps the other documented fields too: validated where a rule matters to us
 * (name, code, state, type, revenue), stored and echoed as given otherwise. Unknown fields are refused.
 */
import { ApiError } from './api-error.js';
import { listObjects } from './list-objects.js';
import { formatTimestamp, has, readEnum, readId, readNullableId, readNumber, readString, rejectUnknownFields } from './fields.js';
import { checkPixels, mergePixels, readPixelInputs, renderPixels, type PixelInput } from './line-item-pixels.js';
import { newLineItem } from './records.js';
import { advertiserForCreate, findAdvertiserTarget } from './scope.js';
import { bodyObject, created, deleted, deletedResponse, updated, writtenResponse, type Service, type ServiceRequest } from './service-handler.js';
import type { Store } from './store.js';
import type { JsonObject, LineItemRecord } from './types.js';

const LINE_ITEM_TYPES = ['standard_v1', 'standard_v2', 'guaranteed_delivery', 'curated'] as const;
const REVENUE_TYPES = ['none', 'cpm', 'cpc', 'cpa', 'cost_plus_cpm', 'cost_plus_margin', 'flat_fee', 'vcpm', 'est_cpm'] as const;

const VALIDATED = ['code', 'name', 'state', 'line_item_type', 'revenue_type', 'revenue_value', 'pixels', 'advertiser_id', 'profile_id'];
/** Documented writable fields the sandbox stores and echoes without checking them. */
const OPAQUE = [
  'start_date', 'end_date', 'timezone', 'discrepancy_pct', 'publishers_allowed', 'goal_type', 'goal_value', 'goal_pixels',
  'click_url', 'currency', 'require_cookie_for_tracking', 'comments', 'manage_creative', 'flat_fee',
  'flat_fee_type', 'labels', 'broker_fees', 'insertion_orders', 'valuation', 'creatives', 'budget_intervals', 'roadblock',
  'lifetime_budget', 'lifetime_budget_imps', 'daily_budget', 'daily_budget_imps', 'enable_pacing', 'allow_safety_pacing',
  'lifetime_pacing', 'lifetime_pacing_span', 'lifetime_pacing_pct', 'payout_margin', 'insertion_order_id',
  'creative_distribution_type', 'priority', 'ad_types', 'auction_event', 'bid_object_type', 'delivery_goal',
  'supply_strategies', 'partner_fees', 'custom_date_ranges', 'prefer_delivery_over_performance', 'viewability_vendor',
];
const WRITABLE = new Set([...VALIDATED, ...OPAQUE]);
const READ_ONLY = new Set([
  'id', 'member_id', 'last_modified', 'advertiser', 'campaigns', 'imptrackers', 'clicktrackers', 'all_stats', 'object_stats',
  'first_run', 'last_run', 'remaining_days', 'total_days', 'is_archived', 'archived_on', 'is_malicious', 'stats', 'alerts',
  'expected_pacing', 'total_pacing', 'has_pacing_dollars', 'has_pacing_imps', 'imps_pacing_percent', 'rev_pacing_percent',
]);

export function renderLineItem(store: Store, lineItem: LineItemRecord): JsonObject {
  const advertiser = store.advertisers.get(lineItem.advertiser_id);
  // Object.assign, not a spread literal: adding ten keys to a spread copy of a 43-field record turns it into a
  // slow dictionary object (30 us a line item instead of 5; a 3,000-line-item plan spent 90 ms here).
  return Object.assign({}, lineItem, {
    pixels: renderPixels(store, lineItem),
    campaigns: null,
    imptrackers: null,
    clicktrackers: null,
    all_stats: null,
    advertiser: { id: lineItem.advertiser_id, name: advertiser?.name ?? null },
    is_malicious: false,
    is_archived: false,
    archived_on: null,
    remaining_days: null,
    total_days: null,
  });
}

function applyFields(request: ServiceRequest, target: LineItemRecord, input: JsonObject, creating: boolean): void {
  rejectUnknownFields(input, WRITABLE, READ_ONLY, 'line-item');
  if (creating && !has(input, 'name')) throw ApiError.syntax(`'name' is required to create a line item`);
  if (has(input, 'name')) target.name = readString(input, 'name', { max: 255 }) as string;
  if (has(input, 'code')) {
    target.code = readString(input, 'code', {
      max: 100,
      nullable: true,
      pattern: /^[A-Za-z0-9._-]+$/,
      patternText: 'may only contain letters, digits, periods, underscores and dashes',
    });
  }
  if (has(input, 'state')) target.state = readEnum(input, 'state', ['active', 'inactive'] as const);
  if (has(input, 'line_item_type')) {
    const type = readEnum(input, 'line_item_type', LINE_ITEM_TYPES) as string;
    if (!creating && type !== target.line_item_type) {
      throw ApiError.syntax(`'line_item_type' cannot be changed after creation (line item ${target.id} is ${target.line_item_type})`);
    }
    target.line_item_type = type;
  }
  if (has(input, 'revenue_type')) target.revenue_type = readEnum(input, 'revenue_type', REVENUE_TYPES) as string;
  if (has(input, 'revenue_value')) target.revenue_value = readNumber(input, 'revenue_value', { min: 0, nullable: true });
  for (const key of OPAQUE) if (has(input, key)) target[key] = structuredClone(input[key]);
  if (has(input, 'profile_id')) target.profile_id = readProfileId(request, target, input);

  if (target.line_item_type === 'standard_v2' && target.revenue_type === 'cpa') {
    throw ApiError.syntax(`revenue_type "cpa" is not available on augmented line items (line_item_type standard_v2)`);
  }
  if (typeof target.code === 'string') {
    const other = request.store.lineItems.findByCode(target.advertiser_id, target.code);
    if (other && other.id !== target.id) {
      throw ApiError.integrity(`code '${target.code}' is already used by line item ${other.id} of advertiser ${target.advertiser_id} (ignoring case)`);
    }
  }
}

/**
 * `profile_id` (line-item-service.md): null, or a profile of the line item's own advertiser that is not
 * archived (profile-service.md: an archived profile may not be associated with line items).
 */
function readProfileId(request: ServiceRequest, target: LineItemRecord, input: JsonObject): number | null {
  const id = readNullableId(input, 'profile_id');
  if (id === null) return null;
  const profile = request.store.profiles.get(id);
  if (!profile || profile.member_id !== target.member_id) throw ApiError.notFound('profile', `profile id not found: ${id}`);
  if (profile.advertiser_id !== target.advertiser_id) {
    throw ApiError.syntax(`'profile_id': profile ${id} belongs to advertiser ${profile.advertiser_id}, not to the line item's advertiser ${target.advertiser_id}`);
  }
  if (profile.is_archived) throw ApiError.syntax(`'profile_id': profile ${id} is archived and may not be associated with a line item`);
  return id;
}

/** Pixels and the rules that tie them to revenue_type and line_item_type, on the resulting line item. */
function applyPixels(request: ServiceRequest, target: LineItemRecord, input: JsonObject, append: boolean): void {
  let inputs: PixelInput[] | null = null;
  if (has(input, 'pixels')) {
    inputs = readPixelInputs(input.pixels);
    target.pixels = mergePixels(target.pixels, inputs, append);
  }
  if (has(input, 'pixels') || has(input, 'revenue_type') || has(input, 'line_item_type')) {
    checkPixels(request.store, target, inputs);
  }
}

function targetOf(request: ServiceRequest, bodyId?: unknown): LineItemRecord {
  return findAdvertiserTarget<LineItemRecord>(request, {
    service: 'line-item',
    collection: request.store.lineItems,
    bodyId,
    codeIgnoresCase: true,
    whyScoped: 'line-item codes are unique per advertiser',
  });
}

/** The documented key is "line-item"; the seed article writes "line_item", so that is accepted too. */
const BODY_KEYS = ['line-item', 'line_item'];

export const lineItemService: Service = {
  name: 'line-item',

  GET(request) {
    const { store } = request;
    return listObjects(request, {
      service: 'line-item',
      key: 'line-items',
      collection: store.lineItems,
      render: (li) => renderLineItem(store, li),
      searched: (li) => [li.name, li.code],
      codeIgnoresCase: true,
      state: true,
      scoped: true,
    });
  },

  POST(request) {
    const input = bodyObject(request, BODY_KEYS);
    const advertiser = advertiserForCreate(request, input);
    if (!advertiser) throw ApiError.syntax(`'advertiser_id' is required to create a line item (in the query string)`);
    const lineItem = newLineItem(0, advertiser.id, advertiser.member_id, request.now);
    applyFields(request, lineItem, input, true);
    applyPixels(request, lineItem, input, false);
    lineItem.id = request.store.nextId('lineItem');
    request.store.putLineItem(lineItem);
    return writtenResponse('line-item', lineItem.id, renderLineItem(request.store, lineItem), 'POST', created('line-item', lineItem, input));
  },

  PUT(request) {
    const input = bodyObject(request, BODY_KEYS);
    const current = targetOf(request, input.id);
    if (has(input, 'advertiser_id') && readId(input.advertiser_id, 'advertiser_id') !== current.advertiser_id) {
      throw ApiError.syntax(`a line item cannot move to another advertiser (line item ${current.id} belongs to advertiser ${current.advertiser_id})`);
    }
    const append = request.query.append === 'true' || request.query.append_only === 'true';
    const next = structuredClone(current);
    applyFields(request, next, input, false);
    applyPixels(request, next, input, append);
    next.last_modified = formatTimestamp(request.now);
    request.store.putLineItem(next);
    return writtenResponse('line-item', next.id, renderLineItem(request.store, next), 'PUT', updated('line-item', current, next, input));
  },

  DELETE(request) {
    const current = targetOf(request);
    request.store.deleteLineItem(current.id);
    return deletedResponse(deleted('line-item', current));
  },
};
