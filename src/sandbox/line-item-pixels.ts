/**
 * A line item's `pixels` array (line-item-service.md "Pixels"; line-item-service---ali.md): at most 20,
 * each a conversion pixel of the same advertiser; `name` and `trigger_type` are read-only; revenue only on
 * line items whose `revenue_type` is `cpa`, which augmented (`standard_v2`) line items cannot use.
 */
import { ApiError } from './api-error.js';
import { formatMoney, has, isObject, readEnum, readId, readNumber, show } from './fields.js';
import type { Store } from './store.js';
import type { JsonObject, LineItemPixel, LineItemRecord } from './types.js';

const MAX_PIXELS = 20;

/** One element as sent: only the fields present are changed by an append. */
export interface PixelInput {
  id: number;
  state?: 'active' | 'inactive';
  post_click_revenue?: number | null;
  post_view_revenue?: number | null;
}

const ELEMENT_FIELDS = new Set(['id', 'state', 'post_click_revenue', 'post_view_revenue']);
const ELEMENT_READ_ONLY = new Set(['name', 'trigger_type']);

export function readPixelInputs(value: unknown): PixelInput[] | null {
  if (value === null) return null;
  if (!Array.isArray(value)) throw ApiError.syntax(`'pixels' must be an array or null (got ${show(value)})`);
  const seen = new Set<number>();
  return value.map((element, index) => {
    const where = `pixels[${index}]`;
    if (!isObject(element)) throw ApiError.syntax(`'${where}' must be an object like {"id": 123, "state": "active"}`);
    for (const key of Object.keys(element)) {
      if (!ELEMENT_FIELDS.has(key) && !ELEMENT_READ_ONLY.has(key)) throw ApiError.syntax(`field '${key}' is not valid in '${where}'`);
    }
    if (!has(element, 'id')) throw ApiError.syntax(`'${where}.id' is required`);
    const input: PixelInput = { id: readId(element.id, `${where}.id`) };
    if (seen.has(input.id)) throw ApiError.syntax(`pixel ${input.id} appears more than once in 'pixels'`);
    seen.add(input.id);
    if (has(element, 'state')) input.state = readEnum(element, 'state', ['active', 'inactive'] as const) as 'active' | 'inactive';
    for (const key of ['post_click_revenue', 'post_view_revenue'] as const) {
      if (has(element, key)) input[key] = readNumber(element, key, { min: 0, nullable: true });
    }
    return input;
  });
}

function complete(input: PixelInput): LineItemPixel {
  return {
    id: input.id,
    state: input.state ?? 'active',
    post_click_revenue: input.post_click_revenue ?? null,
    post_view_revenue: input.post_view_revenue ?? null,
  };
}

/**
 * The resulting array. Without append the array sent replaces the stored one (api-semantics.md); with
 * `append=true` elements are merged by id: an existing one is updated in place, a new one is added.
 */
export function mergePixels(current: LineItemPixel[] | null, inputs: PixelInput[] | null, append: boolean): LineItemPixel[] | null {
  if (inputs === null) return null;
  if (!append) return inputs.length ? inputs.map(complete) : null;
  const result = (current ?? []).map((p) => ({ ...p }));
  for (const input of inputs) {
    const existing = result.find((p) => p.id === input.id);
    if (existing) Object.assign(existing, input);
    else result.push(complete(input));
  }
  return result.length ? result : null;
}

/** Checks the line item as it would be after the write (so one PUT may set `cpa` and revenue together). */
export function checkPixels(store: Store, lineItem: LineItemRecord, inputs: PixelInput[] | null): void {
  const pixels = lineItem.pixels ?? [];
  if (pixels.length > MAX_PIXELS) {
    throw ApiError.limit(`a line item can have at most ${MAX_PIXELS} pixels; this request would give line item ${lineItem.id || '(new)'} ${pixels.length}`);
  }
  for (const input of inputs ?? []) {
    const pixel = store.pixels.get(input.id);
    if (!pixel || pixel.advertiser_id !== lineItem.advertiser_id) {
      throw ApiError.notFound('pixel', `pixel id not found: ${input.id} (a line item's pixels must be conversion pixels of its advertiser, ${lineItem.advertiser_id})`);
    }
  }
  for (const pixel of pixels) {
    if (pixel.post_click_revenue === null && pixel.post_view_revenue === null) continue;
    if (lineItem.line_item_type === 'standard_v2') {
      throw ApiError.syntax(
        `pixel ${pixel.id}: augmented line items (standard_v2) cannot carry pixel revenue; post_click_revenue and post_view_revenue must be null`,
      );
    }
    if (lineItem.revenue_type !== 'cpa') {
      throw ApiError.syntax(
        `pixel ${pixel.id}: post_click_revenue and post_view_revenue require the line item's revenue_type to be "cpa" (it is "${lineItem.revenue_type}")`,
      );
    }
  }
}

/**
 * As Xandr prints them: on standard line items the pixel id is a string and revenue a string with six
 * decimals (line-item-service.md example); on augmented ones the id is an int (ALI example).
 */
export function renderPixels(store: Store, lineItem: LineItemRecord): JsonObject[] | null {
  if (!lineItem.pixels?.length) return null;
  const augmented = lineItem.line_item_type === 'standard_v2';
  return lineItem.pixels.map((p) => {
    const pixel = store.pixels.get(p.id);
    return {
      id: augmented ? p.id : String(p.id),
      state: p.state,
      post_click_revenue: augmented ? p.post_click_revenue : formatMoney(p.post_click_revenue),
      post_view_revenue: augmented ? p.post_view_revenue : formatMoney(p.post_view_revenue),
      name: pixel?.name ?? null,
      trigger_type: pixel?.trigger_type ?? null,
    };
  });
}
