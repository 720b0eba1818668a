/**
 * `/pixel`, the conversion pixel service (conversion-pixel-service.md). Pixels belong to an advertiser.
 * `code` is unique per advertiser ignoring case (undocumented; xandr-api.md A5). The POST answers only
 * `status` and `id`, as the docs show. A pixel's `line_items` is computed from the line items using it, and
 * deleting a pixel still in use is refused with INTEGRITY.
 */
import { ApiError } from './api-error.js';
import { listObjects } from './list-objects.js';
import { formatTimestamp, has, readEnum, readId, readInteger, readNumber, readPiggybackPixels, readString, rejectUnknownFields, toInteger } from './fields.js';
import { newPixel } from './records.js';
import { advertiserForCreate, findAdvertiserTarget } from './scope.js';
import { bodyObject, created, deleted, deletedResponse, updated, writtenResponse, type Service, type ServiceRequest } from './service-handler.js';
import type { Store } from './store.js';
import type { JsonObject, PixelRecord } from './types.js';

const WRITABLE = new Set([
  'code', 'name', 'state', 'trigger_type', 'advertiser_id', 'min_minutes_per_conv', 'post_view_expire_mins',
  'post_click_expire_mins', 'post_click_value', 'post_view_value', 'piggyback_pixels', 'pixel_conversion_event_id',
]);
const READ_ONLY = new Set(['id', 'member_id', 'line_items', 'campaigns', 'created_on', 'last_modified', 'pixel_conversion_event']);

const CONVERSION_EVENTS: Record<number, string> = {
  2: 'LandingPage',
  3: 'ItemView',
  4: 'AddToCart',
  5: 'InitiateCheckout',
  6: 'AddPaymentInfo',
  7: 'Purchase',
  8: 'Lead',
};

function renderPixel(store: Store, pixel: PixelRecord): JsonObject {
  const lineItems = store
    .lineItemsUsing(pixel.id)
    .map((id) => store.lineItems.get(id))
    .filter((li) => li !== undefined)
    .map((li) => ({ id: li.id, name: li.name, state: li.state }));
  const eventId = toInteger(pixel.pixel_conversion_event_id);
  // Object.assign for the same reason as renderLineItem: a spread literal plus new keys is a slow dictionary object.
  return Object.assign({}, pixel, {
    pixel_conversion_event: eventId !== undefined ? { id: eventId, name: CONVERSION_EVENTS[eventId] ?? null } : null,
    campaigns: null,
    line_items: lineItems.length ? lineItems : null,
  });
}

function applyFields(request: ServiceRequest, target: PixelRecord, input: JsonObject, creating: boolean): void {
  rejectUnknownFields(input, WRITABLE, READ_ONLY, 'pixel');
  if (creating && !has(input, 'name')) throw ApiError.syntax(`'name' is required to create a pixel`);
  if (has(input, 'name')) target.name = readString(input, 'name') as string;
  if (has(input, 'code')) target.code = readString(input, 'code', { max: 100, nullable: true });
  if (has(input, 'state')) target.state = readEnum(input, 'state', ['active', 'inactive'] as const);
  if (has(input, 'trigger_type')) target.trigger_type = readEnum(input, 'trigger_type', ['view', 'click', 'hybrid'] as const);
  const ranges: [string, number][] = [
    ['min_minutes_per_conv', 32767],
    ['post_view_expire_mins', 43200],
    ['post_click_expire_mins', 129600],
  ];
  for (const [key, max] of ranges) {
    if (has(input, key)) target[key] = readInteger(input, key, { min: 0, max, nullable: true });
  }
  for (const key of ['post_click_value', 'post_view_value']) {
    if (has(input, key)) target[key] = readNumber(input, key, { nullable: true });
  }
  if (has(input, 'pixel_conversion_event_id')) {
    target.pixel_conversion_event_id = readInteger(input, 'pixel_conversion_event_id', { min: 2, max: 8, nullable: true });
  }
  if (has(input, 'piggyback_pixels')) target.piggyback_pixels = readPiggybackPixels(input, 'piggyback_pixels');
  if (typeof target.code === 'string') {
    const other = request.store.pixels.findByCode(target.advertiser_id, target.code);
    if (other && other.id !== target.id) {
      throw ApiError.integrity(`code '${target.code}' is already used by pixel ${other.id} of advertiser ${target.advertiser_id} (ignoring case)`);
    }
  }
}

function targetOf(request: ServiceRequest, bodyId?: unknown): PixelRecord {
  return findAdvertiserTarget<PixelRecord>(request, {
    service: 'pixel',
    collection: request.store.pixels,
    bodyId,
    whyScoped: 'pixel codes are unique per advertiser',
  });
}

export const pixelService: Service = {
  name: 'pixel',

  GET(request) {
    const { store } = request;
    return listObjects(request, {
      service: 'pixel',
      key: 'pixels',
      collection: store.pixels,
      render: (p) => renderPixel(store, p),
      searched: (p) => [p.name, p.code],
      codeIgnoresCase: false,
      state: true,
      scoped: true,
    });
  },

  POST(request) {
    const input = bodyObject(request, ['pixel']);
    const advertiser = advertiserForCreate(request, input);
    if (!advertiser) throw ApiError.syntax(`'advertiser_id' is required to create a pixel (in the query string or the body)`);
    const pixel = newPixel(0, advertiser.id, advertiser.member_id, request.now);
    applyFields(request, pixel, input, true);
    pixel.id = request.store.nextId('pixel');
    request.store.pixels.set(pixel);
    // conversion-pixel-service.md "Add a conversion pixel": the answer is only status and id.
    return { payload: { id: pixel.id }, outputTerm: 'pixel', wrote: true, bare: true, change: created('pixel', pixel, input) };
  },

  PUT(request) {
    const input = bodyObject(request, ['pixel']);
    const current = targetOf(request, input.id);
    if (has(input, 'advertiser_id') && readId(input.advertiser_id, 'advertiser_id') !== current.advertiser_id) {
      throw ApiError.syntax(`a pixel cannot move to another advertiser (pixel ${current.id} belongs to advertiser ${current.advertiser_id})`);
    }
    const next = structuredClone(current);
    applyFields(request, next, input, false);
    next.last_modified = formatTimestamp(request.now);
    request.store.pixels.set(next);
    return writtenResponse('pixel', next.id, renderPixel(request.store, next), 'PUT', updated('pixel', current, next, input));
  },

  DELETE(request) {
    const current = targetOf(request);
    const users = request.store.lineItemsUsing(current.id);
    if (users.length) {
      throw ApiError.integrity(
        `pixel ${current.id} is used by line item${users.length > 1 ? 's' : ''} ${users.join(', ')}; remove it from their pixels before deleting it`,
      );
    }
    request.store.pixels.delete(current.id);
    return deletedResponse(deleted('pixel', current));
  },
};
