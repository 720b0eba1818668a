import type { XandrClient } from './client.js';
import { normalizeSegment } from './normalize.js';
import { createObject, readAll, readByIds, readOne, updateObject, type ServiceShape, type Written } from './service.js';
import type { LiveSegment } from './types.js';

export const segmentShape: ServiceShape<LiveSegment> = { service: 'segment', singular: 'segment', plural: 'segments', normalize: normalizeSegment };

export interface SegmentScope {
  memberId?: number;
  advertiserId?: number;
}

/**
 * All segments of the member (or of one advertiser), every page. `include_shared=0` leaves out segments
 * other members share with this one (xandr-api.md B.3): they are not ours to plan, and one with a code
 * like ours would be taken for it.
 */
export function listSegments(client: XandrClient, scope: SegmentScope = {}, signal?: AbortSignal): Promise<LiveSegment[]> {
  return readAll(client, segmentShape, { member_id: scope.memberId, advertiser_id: scope.advertiserId, include_shared: 0 }, signal);
}

export function getSegments(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveSegment[]> {
  return readByIds(client, segmentShape, ids, {}, signal);
}

/** Segment codes are unique per member ignoring case; the `?code=` selector itself is case-sensitive. */
export function findSegmentByCode(client: XandrClient, code: string, signal?: AbortSignal): Promise<LiveSegment | null> {
  const wanted = code.toLowerCase();
  return readOne(client, segmentShape, { code, include_shared: 0 }, (s) => s.code?.toLowerCase() === wanted, signal);
}

/**
 * POST a segment that carries a `code`. If the answer is lost, the code is looked up before anything is
 * sent again, so a dropped connection never leaves two segments behind.
 */
export function createSegment(
  client: XandrClient,
  scope: SegmentScope,
  fields: Record<string, unknown> & { code: string },
  signal?: AbortSignal,
): Promise<Written<LiveSegment>> {
  const query = scope.advertiserId !== undefined ? { advertiser_id: scope.advertiserId } : { member_id: scope.memberId };
  return createObject(client, segmentShape, query, fields, {
    object: `segment code=${fields.code}`,
    find: () => findSegmentByCode(client, fields.code, signal),
    signal,
  });
}

export function updateSegment(client: XandrClient, id: number, fields: Record<string, unknown>, signal?: AbortSignal): Promise<Written<LiveSegment>> {
  return updateObject(client, segmentShape, { id }, fields, { object: `segment ${id}`, signal });
}

