import type { XandrClient } from './client.js';
import { normalizeLineItem } from './normalize.js';
import { readAll, readByIds, readOne, updateObject, type ServiceShape, type Written } from './service.js';
import type { LiveLineItem } from './types.js';

/** The line-item service's envelope keys are hyphenated too: `line-item` / `line-items` (xandr-api.md B.1). */
export const lineItemShape: ServiceShape<LiveLineItem> = { service: 'line-item', singular: 'line-item', plural: 'line-items', normalize: normalizeLineItem };

export function getLineItems(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveLineItem[]> {
  return readByIds(client, lineItemShape, ids, {}, signal);
}

export function listLineItems(client: XandrClient, advertiserId: number, signal?: AbortSignal): Promise<LiveLineItem[]> {
  return readAll(client, lineItemShape, { advertiser_id: advertiserId }, signal);
}

export function findLineItemByCode(client: XandrClient, advertiserId: number, code: string, signal?: AbortSignal): Promise<LiveLineItem | null> {
  const wanted = code.toLowerCase();
  return readOne(
    client,
    lineItemShape,
    { advertiser_id: advertiserId, code },
    (li) => li.advertiser_id === advertiserId && li.code?.toLowerCase() === wanted,
    signal,
  );
}

/** The writable fields of a line item's pixel element (name and trigger_type are read-only). */
export interface LineItemPixelWrite {
  id: number;
  state: 'active' | 'inactive';
  post_click_revenue?: number | null;
  post_view_revenue?: number | null;
}

/**
 * Replaces the line item's whole `pixels` array (no `append`): the array sent is the complete result, so
 * a pixel left out is detached, deliberately.
 */
export function putLineItemPixels(
  client: XandrClient,
  id: number,
  advertiserId: number,
  pixels: LineItemPixelWrite[],
  signal?: AbortSignal,
): Promise<Written<LiveLineItem>> {
  return updateObject(client, lineItemShape, { id, advertiser_id: advertiserId }, { pixels }, { object: `line-item ${id}`, signal });
}
