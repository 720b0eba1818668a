import type { XandrClient } from './client.js';
import { isRecord } from './envelope.js';
import { normalizePixel } from './normalize.js';
import { countAll, readAll, readByIds, readOneByAdvertiserCode, xandrTimestamp, type ServiceShape } from './service.js';
import type { LivePixel } from './types.js';

const pixelShape: ServiceShape<LivePixel> = { service: 'pixel', singular: 'pixel', plural: 'pixels', normalize: normalizePixel };

export function listPixels(client: XandrClient, advertiserId: number, signal?: AbortSignal): Promise<LivePixel[]> {
  // A pixel listed by advertiser belongs to that advertiser even if the body leaves `advertiser_id` out.
  const shape: ServiceShape<LivePixel> = {
    ...pixelShape,
    normalize: (raw) => normalizePixel(isRecord(raw) && raw.advertiser_id == null ? { ...raw, advertiser_id: advertiserId } : raw),
  };
  return readAll(client, shape, { advertiser_id: advertiserId }, signal);
}

export function getPixels(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LivePixel[]> {
  return readByIds(client, pixelShape, ids, {}, signal);
}

export function findPixelByCode(client: XandrClient, advertiserId: number, code: string, signal?: AbortSignal): Promise<LivePixel | null> {
  return readOneByAdvertiserCode(client, pixelShape, advertiserId, code, signal);
}

/** How many pixels `listPixels` would return for the advertiser (one read). */
export function countPixels(client: XandrClient, advertiserId: number, signal?: AbortSignal): Promise<number> {
  return countAll(client, pixelShape, { advertiser_id: advertiserId }, signal);
}

/**
 * Every pixel of the member modified since `since` (one filtered listing, member-wide: `GET /pixel` lists
 * all pixels, conversion-pixel-service.md).
 */
export function listPixelsModifiedSince(client: XandrClient, since: number, signal?: AbortSignal): Promise<LivePixel[]> {
  return readAll(client, pixelShape, { min_last_modified: xandrTimestamp(since) }, signal);
}
