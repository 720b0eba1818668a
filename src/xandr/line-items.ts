import type { XandrClient } from './client.js';
import { normalizeLineItem } from './normalize.js';
import { readAll, readByIds, readOneByAdvertiserCode, xandrTimestamp, type ServiceShape } from './service.js';
import type { LiveLineItem } from './types.js';

/** The line-item service's envelope keys are hyphenated too: `line-item` / `line-items` (xandr-api.md B.1). */
const lineItemShape: ServiceShape<LiveLineItem> = { service: 'line-item', singular: 'line-item', plural: 'line-items', normalize: normalizeLineItem };

export function getLineItems(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveLineItem[]> {
  return readByIds(client, lineItemShape, ids, {}, signal);
}

export function listLineItems(client: XandrClient, advertiserId: number, signal?: AbortSignal): Promise<LiveLineItem[]> {
  return readAll(client, lineItemShape, { advertiser_id: advertiserId }, signal);
}

export function findLineItemByCode(client: XandrClient, advertiserId: number, code: string, signal?: AbortSignal): Promise<LiveLineItem | null> {
  return readOneByAdvertiserCode(client, lineItemShape, advertiserId, code, signal);
}

/** Every line item of the member modified since `since` (one filtered listing, member-wide). */
export function listLineItemsModifiedSince(client: XandrClient, since: number, signal?: AbortSignal): Promise<LiveLineItem[]> {
  return readAll(client, lineItemShape, { min_last_modified: xandrTimestamp(since) }, signal);
}
